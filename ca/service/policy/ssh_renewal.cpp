#include "ca/service/policy/ssh_renewal.h"

#include <fnmatch.h>

#include <algorithm>

#include "ca/core/common/quote_caller.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::policy {
namespace {

Error denied(std::string why) { return makeError(ErrorCode::PermissionDenied, std::move(why)); }

// The principals were approved when the certificate was first issued; the
// renewing provisioner's own patterns may narrow them further.
Status checkPrincipals(const ssh::Certificate& current, const SshTypePolicy& tp) {
  if (current.principals.empty()) return denied("the certificate names no principals");
  if (tp.allowedPrincipalPatterns.empty()) return okStatus();
  for (const auto& p : current.principals) {
    bool ok = std::any_of(tp.allowedPrincipalPatterns.begin(), tp.allowedPrincipalPatterns.end(),
                          [&](const std::string& pat) { return fnmatch(pat.c_str(), p.c_str(), 0) == 0; });
    if (!ok) return denied("principal " + quoteCaller(p) + " matches no allowed pattern of the renewing provisioner");
  }
  return okStatus();
}

Result<ssh::CertTemplate> replacement(const ssh::Certificate& current, PublicKey key, const SshPolicy& policy,
                                      uint64_t now) {
  if (current.type != ssh::CertType::Host)
    return denied("only host certificates are renewed or rekeyed (this is a user certificate)");
  const SshTypePolicy& tp = policy.host;
  SSHCA_RETURN_IF_ERROR(checkPrincipals(current, tp));
  // The original length, backdate included (as step-ca renews), so the new
  // certificate ends as far from now as the first did from its issue;
  // "forever" (UINT64_MAX) and anything longer than allowed become the
  // maximum counted from now.
  uint64_t length = std::min(current.validBefore - current.validAfter, tp.maxValiditySeconds + policy.backdateSeconds);
  if (length == 0) return denied("the certificate has an empty validity period");
  ssh::CertTemplate t{.key = std::move(key)};
  t.type = current.type;
  t.keyId = current.keyId;
  t.principals = current.principals;
  t.validAfter = now > policy.backdateSeconds ? now - policy.backdateSeconds : 0;
  t.validBefore = t.validAfter + length;
  t.criticalOptions = {current.criticalOptions.begin(), current.criticalOptions.end()};
  t.extensions = {current.extensions.begin(), current.extensions.end()};
  SSHCA_RETURN_IF_ERROR(ssh::validateTemplate(t));
  return t;
}

}  // namespace

Status checkPresentedCertificateTime(const ssh::Certificate& cert, uint64_t now, uint64_t leewaySeconds,
                                     uint64_t expiredGraceSeconds) {
  if (cert.validAfter > now + leewaySeconds)
    return makeError(ErrorCode::Unauthenticated, "the certificate is not valid yet (valid after " +
                                                     std::to_string(cert.validAfter) + ", now " + std::to_string(now) +
                                                     ")");
  if (now < cert.validBefore) return okStatus();
  const uint64_t length = cert.validBefore > cert.validAfter ? cert.validBefore - cert.validAfter : 0;
  const uint64_t grace = std::min(expiredGraceSeconds, length);
  const uint64_t lateBy = now - cert.validBefore;
  if (grace > 0 && lateBy < grace) return okStatus();
  return makeError(ErrorCode::Unauthenticated,
                   "the certificate expired at " + std::to_string(cert.validBefore) + " (now " + std::to_string(now) +
                       (grace > 0 ? "; past the renewal grace period of " + std::to_string(grace) + " s)"
                                  : "; only a renewal within the provisioner's renewalGracePeriod accepts an expired "
                                    "certificate)"));
}

Result<ssh::CertTemplate> applySshRenewPolicy(const ssh::Certificate& current, const SshPolicy& policy, uint64_t now) {
  return replacement(current, current.key, policy, now);
}

Result<ssh::CertTemplate> applySshRekeyPolicy(const ssh::Certificate& current, const PublicKey& newKey,
                                              const SshPolicy& policy, uint64_t now) {
  return replacement(current, newKey, policy, now);
}

}  // namespace sshca::policy
