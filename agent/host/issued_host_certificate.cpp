#include "agent/host/issued_host_certificate.h"

#include <algorithm>

#include "ca/core/common/utc_time.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {

Status checkIssuedHostCertificate(const ssh::Certificate& cert, const PublicKey& key,
                                  const std::vector<PublicKey>& hostCaKeys, uint64_t now) {
  constexpr uint64_t kClockSkewSeconds = 300;
  if (cert.type != ssh::CertType::Host)
    return makeError(ErrorCode::InvalidFormat,
                     "the CA returned a user certificate where a host certificate was asked for");
  if (!(cert.key == key)) return makeError(ErrorCode::InvalidFormat, "the CA returned a certificate for another key");
  bool pinned =
      std::any_of(hostCaKeys.begin(), hostCaKeys.end(), [&](const PublicKey& k) { return k == cert.signatureKey; });
  if (!pinned)
    return makeError(ErrorCode::Unauthenticated, "the returned certificate is signed by " +
                                                     ssh::fingerprintSha256(cert.signatureKey) +
                                                     ", not by the host CA key pinned at bootstrap");
  auto sig = ssh::verifyCertificateSignature(cert);
  if (!sig.ok()) return std::move(sig).error().context("the returned certificate");
  if (cert.validAfter > now + kClockSkewSeconds)
    return makeError(ErrorCode::InvalidArgument, "the returned certificate is not valid before " +
                                                     formatUtc(static_cast<int64_t>(cert.validAfter)) +
                                                     ": check the clocks of this host and the CA");
  if (cert.validBefore <= now)
    return makeError(ErrorCode::InvalidArgument, "the returned certificate expired at " +
                                                     formatUtc(static_cast<int64_t>(cert.validBefore)) +
                                                     ": check the clocks of this host and the CA");
  return okStatus();
}

}  // namespace sshca::agent
