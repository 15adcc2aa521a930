// Policy for certificates that replace a certificate the caller proved it
// holds (SSHPOP): renew (same key) and rekey (a new key). What may change
// is the validity period and, for rekey, the key; the type, key ID,
// principals and options stay those of the certificate being replaced.
// Host certificates only: a user gets a new certificate by logging in.
// Pure: time comes in as an argument.
#pragma once

#include <cstdint>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/service/policy/ssh_policy.h"

namespace sshca::policy {

// Whether a presented certificate may serve as a credential at `now`:
// not before its start (with `leewaySeconds` of clock skew), and not
// after its end plus `expiredGraceSeconds` (renewal after expiry, when the
// provisioner sets a grace; 0 for rekey and revoke). The grace is capped
// by the certificate's own validity length. Unauthenticated when refused.
Status checkPresentedCertificateTime(const ssh::Certificate& cert, uint64_t now, uint64_t leewaySeconds,
                                     uint64_t expiredGraceSeconds);

// The same key and contents, a fresh validity of the original length
// (capped by the host policy's maximum), starting now minus the backdate.
// PermissionDenied for a user certificate or principals outside the host
// policy's patterns.
Result<ssh::CertTemplate> applySshRenewPolicy(const ssh::Certificate& current, const SshPolicy& policy, uint64_t now);

// Renewal with `newKey` instead of the certificate's key. Unsupported for
// keys the subject-key rules refuse (DSA, RSA under 2048 bits).
Result<ssh::CertTemplate> applySshRekeyPolicy(const ssh::Certificate& current, const PublicKey& newKey,
                                              const SshPolicy& policy, uint64_t now);

}  // namespace sshca::policy
