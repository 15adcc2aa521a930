#include "pam/session_flow.h"

#include "pam/auth_flow.h"
#include "pam/auth_info.h"
#include "pam/cert_selection.h"
#include "pam/trust_files.h"

namespace sshca::pam {
namespace {

// sshd checked the certificate's principals against the login name (or its
// AuthorizedPrincipalsFile); checked again here so that a certificate of
// ours that names somebody else never opens this user's session, whatever
// put it into SSH_AUTH_INFO_0.
Status checkNamesUser(const ssh::Certificate& cert, const std::vector<std::string>& accepted, const std::string& user) {
  if (checkNamesAcceptedPrincipal(cert, accepted).ok()) return okStatus();
  return makeError(ErrorCode::PermissionDenied,
                   "certificate serial " + std::to_string(cert.serial) + " names no principal accepted for " + user);
}

}  // namespace

Result<std::vector<ssh::Certificate>> checkSessionCertificates(const ModuleArgs& args, const SessionRequest& req,
                                                               const AuditLog& log) {
  SSHCA_ASSIGN_OR_RETURN(auto caKeys, loadCaKeys(args.caFile));
  std::optional<ssh::Krl> krl;
  if (args.krlFile) { SSHCA_ASSIGN_OR_RETURN(krl, loadKrl(*args.krlFile)); }

  // A value we cannot read could hide a revoked certificate: refuse.
  SSHCA_ASSIGN_OR_RETURN(auto info, parseAuthInfo(req.authInfo.value_or("")));
  std::vector<ssh::Certificate> ours;
  std::vector<std::string> accepted;  // looked up at the first certificate of ours
  for (const auto& key : info.publicKeys) {
    if (!key.isCertificate()) continue;
    // sshd accepted it, but we cannot read it (a FIDO key's certificate, an
    // option our strict parser refuses): it may be one of ours, revoked.
    if (auto readable = ssh::parseCertificate(key.keyBlob); !readable.ok())
      return makeError(ErrorCode::PermissionDenied, "the login's " + key.keyType +
                                                        " certificate cannot be read, so whether it is revoked cannot "
                                                        "be told: " +
                                                        readable.error().message);
    auto cert = parseTrustedCertificate(key.keyBlob, caKeys);
    if (!cert.ok()) {
      log.debug("login certificate is not ours: " + cert.error().message);
      continue;
    }
    SSHCA_RETURN_IF_ERROR(checkNotRevoked(*cert, krl));
    if (accepted.empty()) {
      UserAccount named;
      named.name = req.user;
      SSHCA_ASSIGN_OR_RETURN(accepted, acceptedPrincipals(args, named));
    }
    SSHCA_RETURN_IF_ERROR(checkNamesUser(*cert, accepted, req.user));
    ours.push_back(std::move(*cert));
  }
  if (ours.empty() && args.requireCert)
    return makeError(ErrorCode::PermissionDenied,
                     "the login used no certificate signed by a key in ca_file (require_cert)");
  return ours;
}

}  // namespace sshca::pam
