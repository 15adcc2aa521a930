// Strict base64url for JOSE (RFC 7515 §2, RFC 4648 §5): URL-safe
// alphabet, no padding, no whitespace, and the unused low bits of the last
// character zero. Two spellings of one value would let a token be altered
// without changing what it means; refusing them keeps one canonical form.
#pragma once

#include <string_view>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"

namespace sshca::jose {

// InvalidFormat "<what> is not canonical base64url" on any deviation.
Result<Bytes> decodeBase64UrlStrict(std::string_view text, std::string_view what);

}  // namespace sshca::jose
