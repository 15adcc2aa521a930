// Named caps for everything the SSH wire reader accepts. They bound memory
// and work per parsed object, as OpenSSH's sshbuf limits do.
#pragma once

#include <cstddef>

namespace sshca::wire {

// Largest single string (RFC 4251 §5 "string") we accept: certificates and
// keys are far smaller; this bounds hostile length fields.
inline constexpr size_t kMaxStringLen = 256 * 1024;
// mpint magnitude: RSA moduli up to 16384 bits (OpenSSH's maximum), plus the
// sign byte.
inline constexpr size_t kMaxMpintBytes = 16384 / 8 + 1;
// OpenSSH's SSHKEY_CERT_MAX_PRINCIPALS.
inline constexpr size_t kMaxPrincipals = 256;
// Names in a name-list or options/extensions section.
inline constexpr size_t kMaxNameListEntries = 256;
inline constexpr size_t kMaxCertOptions = 64;

}  // namespace sshca::wire
