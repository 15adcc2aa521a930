// The default answers of Provisioner: a provisioner that does not
// override an authorization cannot grant it (a JWK or OIDC token cannot
// renew a certificate; only SSHPOP proves possession of one).
#include "ca/service/provisioners/provisioner.h"

namespace sshca::provisioners {
namespace {

Error cannot(const Provisioner& p, std::string_view what) {
  return makeError(ErrorCode::Unauthenticated,
                   "provisioner \"" + p.name() + "\" (" + p.type() + ") cannot authorize " + std::string(what));
}

}  // namespace

Result<CertificateProof> Provisioner::authorizeSshRenew(const jose::JwsParts&, const TokenContext&) const {
  return cannot(*this, "an SSH certificate renewal (it needs an SSHPOP token)");
}

Result<CertificateProof> Provisioner::authorizeSshRekey(const jose::JwsParts&, const TokenContext&) const {
  return cannot(*this, "an SSH certificate rekey (it needs an SSHPOP token)");
}

Result<RevokeAuthorization> Provisioner::authorizeSshRevoke(const jose::JwsParts&, const TokenContext&) const {
  return cannot(*this, "an SSH certificate revocation");
}

Result<CertificateProof> Provisioner::authorizeX509Sign(const jose::JwsParts&, const TokenContext&) const {
  return cannot(*this, "a TLS certificate (it needs an SSHPOP token over a host certificate)");
}

const policy::TlsPolicy& Provisioner::tlsPolicy() const {
  static const policy::TlsPolicy kDefault;
  return kDefault;
}

}  // namespace sshca::provisioners
