#include "pam/cert_selection.h"

#include <algorithm>

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"
#include "pam/source_address.h"

namespace sshca::pam {
namespace {

// force-command: a certificate limited to one command must not open a
// root shell through sudo. source-address: honoured against PAM_RHOST when
// that is a literal address; otherwise refused (fail closed). Anything
// else is an option we do not understand: refused, as sshd refuses them.
Status checkCriticalOptions(const ssh::Certificate& cert, const std::optional<std::string>& remote) {
  for (const auto& [name, value] : cert.criticalOptions) {
    if (name == "source-address") {
      if (!remote || !addressInList(*remote, value))
        return makeError(ErrorCode::PermissionDenied,
                         "source-address " + value + " does not allow " + remote.value_or("an unknown address"));
      continue;
    }
    if (name == "force-command")
      return makeError(ErrorCode::PermissionDenied, "the certificate is restricted by force-command");
    return makeError(ErrorCode::Unsupported, "unknown critical option '" + name + "'");
  }
  return okStatus();
}

std::string describe(const ssh::Certificate& cert) {
  return "certificate '" + cert.keyId + "' (serial " + std::to_string(cert.serial) + ")";
}

}  // namespace

bool isCertificateBlob(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  auto type = r.cstring();
  return type.ok() && type->ends_with("-cert-v01@openssh.com");
}

Result<ssh::Certificate> parseTrustedCertificate(std::span<const uint8_t> blob, const std::vector<PublicKey>& caKeys) {
  SSHCA_ASSIGN_OR_RETURN(auto cert, ssh::parseCertificate(blob));
  if (cert.type != ssh::CertType::User)
    return makeError(ErrorCode::PermissionDenied, describe(cert) + " is a host certificate");
  if (std::find(caKeys.begin(), caKeys.end(), cert.signatureKey) == caKeys.end())
    return makeError(
        ErrorCode::PermissionDenied,
        describe(cert) + " is signed by CA " + ssh::fingerprintSha256(cert.signatureKey) + ", which is not in ca_file");
  auto sig = ssh::verifyCertificateSignature(cert);
  if (!sig.ok()) return std::move(sig).error().context(describe(cert));
  return cert;
}

Status checkNotRevoked(const ssh::Certificate& cert, const std::optional<ssh::Krl>& krl) {
  if (krl && ssh::isCertificateRevoked(*krl, cert))
    return makeError(ErrorCode::Unauthenticated, describe(cert) + " is revoked in krl_file");
  return okStatus();
}

Result<ssh::Certificate> checkAuthCertificate(std::span<const uint8_t> blob, const TrustAnchors& trust,
                                              const SelectionContext& ctx) {
  SSHCA_ASSIGN_OR_RETURN(auto cert, parseTrustedCertificate(blob, trust.caKeys));
  auto valid = ssh::checkValidAt(cert, ctx.now);
  if (!valid.ok()) return std::move(valid).error().context(describe(cert));
  SSHCA_RETURN_IF_ERROR(checkNotRevoked(cert, trust.krl));
  auto opts = checkCriticalOptions(cert, ctx.remoteAddress);
  if (!opts.ok()) return std::move(opts).error().context(describe(cert));
  auto principal = checkNamesAcceptedPrincipal(cert, ctx.acceptedPrincipals);
  if (!principal.ok()) return std::move(principal).error().context(describe(cert));
  return cert;
}

Status checkNamesAcceptedPrincipal(const ssh::Certificate& cert, const std::vector<std::string>& accepted) {
  for (const auto& p : cert.principals)
    if (std::find(accepted.begin(), accepted.end(), p) != accepted.end()) return okStatus();
  return makeError(ErrorCode::PermissionDenied, "no principal of the certificate is accepted for this user");
}

Selection selectCertificates(const std::vector<Bytes>& blobs, const TrustAnchors& trust, const SelectionContext& ctx) {
  Selection s;
  for (const auto& blob : blobs) {
    if (!isCertificateBlob(blob)) continue;
    auto cert = checkAuthCertificate(blob, trust, ctx);
    if (cert.ok())
      s.qualified.push_back(std::move(*cert));
    else
      s.rejections.push_back(cert.error().message);
  }
  return s;
}

}  // namespace sshca::pam
