#include "agent/login/certificate_status.h"

#include <algorithm>
#include <limits>

namespace sshca::agent {

std::string certificateMark(const ssh::Certificate& cert, const std::optional<ssh::Krl>& krl, int64_t now) {
  if (krl && ssh::isCertificateRevoked(*krl, cert)) return "REVOKED (in the KRL)";
  const auto until = static_cast<int64_t>(std::min<uint64_t>(cert.validBefore, std::numeric_limits<int64_t>::max()));
  if (until <= now) return "EXPIRED";
  if (until - now <= kExpiringSoonSeconds) return "EXPIRES SOON";
  return "";
}

}  // namespace sshca::agent
