// The files that decide who is trusted: ca_file (the CA public keys, one
// per line as in sshd's TrustedUserCAKeys), krl_file (an OpenSSH KRL) and
// authorized_principals_file (one principal per line). A file that anyone
// but root (or, for a principals file, the user) could write would let
// that person mint their own trust, so such a file is refused, as is one
// that is missing or unreadable: the module fails closed, as sshd does
// with an unreadable RevokedKeys.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/krl.h"

namespace sshca::pam {

inline constexpr size_t kMaxTrustFileBytes = 64 * 1024 * 1024;

// The content of a regular file owned by root, not writable by group or
// others. Checked on the open descriptor (no race).
Result<std::string> readTrustedFile(const std::string& path);

// Parsers on the content (pure, for tests and fuzzing).
Result<std::vector<PublicKey>> parseCaKeys(const std::string& content);
std::vector<std::string> parsePrincipalsList(const std::string& content);

Result<std::vector<PublicKey>> loadCaKeys(const std::string& path);
Result<ssh::Krl> loadKrl(const std::string& path);
// Root's like the others, never the user's own: for sudo, the file is the
// line between code running as the user and root, and a user who could
// write it could name any principal of a certificate they hold.
Result<std::vector<std::string>> loadPrincipals(const std::string& path);

}  // namespace sshca::pam
