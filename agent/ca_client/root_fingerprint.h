// Root pinning at bootstrap: the SHA-256 of the root certificate's DER, as
// `sshca init` prints it (and `step ca bootstrap --fingerprint` takes it).
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::agent {

// 64 hex digits, with or without colons, any case -> lower-case hex.
Result<std::string> normalizeFingerprint(std::string_view text);

// The certificate of a PEM bundle whose fingerprint is `fingerprint`
// (normalized), re-encoded as PEM. Unauthenticated when none matches: the
// server is not the CA the admin meant, or a man in the middle.
Result<std::string> rootMatchingFingerprint(std::string_view pemBundle, const std::string& fingerprint);

}  // namespace sshca::agent
