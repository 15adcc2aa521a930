// SSH_AUTH_INFO_0: what sshd puts in the PAM environment about a finished
// authentication (filled at open_session; docs/pam.md). One line per
// successful method, as OpenSSH's auth2_update_session_info writes it:
//   method[/submethod][ <key type> <base64 key blob>][ <method info>]\n
// e.g. "publickey ssh-ed25519-cert-v01@openssh.com AAAA...\n".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"

namespace sshca::pam {

// Bounds for a value we did not write: sshd's are far smaller.
inline constexpr size_t kMaxAuthInfoBytes = 64 * 1024;
inline constexpr size_t kMaxAuthInfoLines = 64;

// A key the login authenticated with (publickey lines only).
struct AuthInfoKey {
  std::string keyType;  // e.g. "ssh-ed25519-cert-v01@openssh.com"
  Bytes keyBlob;        // the key's wire form (a certificate for *-cert-v01 types)
  bool isCertificate() const;
};

struct AuthInfo {
  std::vector<std::string> methods;  // every line's method, in order
  std::vector<AuthInfoKey> publicKeys;
};

// Strict: bounded size and line count, no NUL, every publickey line has
// a type and a base64 blob whose inner type name equals the stated one.
// InvalidFormat with the line number otherwise.
Result<AuthInfo> parseAuthInfo(std::string_view text);

}  // namespace sshca::pam
