// Which certificates in the user's agent may authenticate them: signed by
// a key in ca_file (signature verified), a user certificate, valid now,
// not revoked in the KRL, no critical option we do not honour, and a
// principal the user may use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::pam {

struct TrustAnchors {
  std::vector<PublicKey> caKeys;
  std::optional<ssh::Krl> krl;  // absent: no krl_file configured
};

struct SelectionContext {
  std::vector<std::string> acceptedPrincipals;  // any one of them suffices
  uint64_t now = 0;                             // seconds since the epoch
  std::optional<std::string> remoteAddress;     // PAM_RHOST, for source-address
};

// Whether the blob names a certificate type ("*-cert-v01@openssh.com").
bool isCertificateBlob(std::span<const uint8_t> blob);

// Parsed, a user certificate, signed by one of the CA keys (verified).
Result<ssh::Certificate> parseTrustedCertificate(std::span<const uint8_t> blob, const std::vector<PublicKey>& caKeys);
// Unauthenticated when the KRL revokes it (no KRL: never).
Status checkNotRevoked(const ssh::Certificate& cert, const std::optional<ssh::Krl>& krl);
// PermissionDenied unless the certificate names one of `accepted`.
Status checkNamesAcceptedPrincipal(const ssh::Certificate& cert, const std::vector<std::string>& accepted);

// All the checks for authentication; the error says which one failed.
Result<ssh::Certificate> checkAuthCertificate(std::span<const uint8_t> blob, const TrustAnchors& trust,
                                              const SelectionContext& ctx);

struct Selection {
  std::vector<ssh::Certificate> qualified;
  std::vector<std::string> rejections;  // one reason per certificate refused
};
// Plain keys are skipped silently; every certificate ends up in one list.
Selection selectCertificates(const std::vector<Bytes>& blobs, const TrustAnchors& trust, const SelectionContext& ctx);

}  // namespace sshca::pam
