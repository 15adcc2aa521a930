// What `sshca-agent status` says about one certificate beyond its fields:
// revoked (listed in the KRL installed on this machine, which sshd and
// pam_sshca also read), expired, or expiring soon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

// Within this long of its end a certificate is marked as expiring soon: a
// login that starts then may be cut off.
inline constexpr int64_t kExpiringSoonSeconds = 3600;

// "REVOKED (in the KRL)", "EXPIRED", "EXPIRES SOON" or "" for a
// certificate that is fine; `krl` is nullopt when none could be read.
std::string certificateMark(const ssh::Certificate& cert, const std::optional<ssh::Krl>& krl, int64_t now);

}  // namespace sshca::agent
