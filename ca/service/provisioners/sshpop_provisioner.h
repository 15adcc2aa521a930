// The SSHPOP provisioner (step-ca's "SSHPOP"; docs/protocol/tokens.md, "SSHPOP"):
// a host proves it holds its current certificate by signing a one-time
// token with that certificate's private key; the certificate rides in the
// token's "sshpop" header. It authorizes renew, rekey and revoke of that
// certificate, never a new one (/ssh/sign).
#pragma once

#include <memory>
#include <string>

#include "ca/service/config/ca_config.h"
#include "ca/service/provisioners/provisioner.h"

namespace sshca::provisioners {

class SshpopProvisioner final : public Provisioner {
 public:
  static constexpr int64_t kLeewaySeconds = 60;

  // InvalidArgument for an empty name or a zero token lifetime cap.
  static Result<std::shared_ptr<const SshpopProvisioner>> create(const config::ProvisionerConfig& config);

  const std::string& name() const override { return name_; }
  std::string type() const override { return "SSHPOP"; }

  // Always refused: possession of a certificate does not entitle to another one.
  Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const override;

  // In docs/protocol/tokens.md's order: the certificate from the "sshpop" header (parsed,
  // not trusted); its CA signature by ctx's key for its type; its validity
  // (renew may accept an expired one within renewalGracePeriod); the JWS
  // by the certificate's key; iss, aud (ctx.caUrl + ctx.endpoint +
  // "#sshpop/<name>"), exp/nbf/iat, jti, lifetime; sub equal to the serial;
  // no "step" claim (an SSHPOP token cannot ask for contents). Revocation
  // and replay are the authority's checks (the database's).
  Result<CertificateProof> authorizeSshRenew(const jose::JwsParts& token, const TokenContext& ctx) const override;
  Result<CertificateProof> authorizeSshRekey(const jose::JwsParts& token, const TokenContext& ctx) const override;
  Result<RevokeAuthorization> authorizeSshRevoke(const jose::JwsParts& token, const TokenContext& ctx) const override;
  // The same proof with no grace: only a certificate valid now vouches
  // for names.
  Result<CertificateProof> authorizeX509Sign(const jose::JwsParts& token, const TokenContext& ctx) const override;

  const policy::SshPolicy& policy() const override { return policy_; }
  const policy::TlsPolicy& tlsPolicy() const override { return tlsPolicy_; }
  std::string publicInfoJson() const override;

  // How long after its expiry a certificate still renews (0: never;
  // config::kGraceOfValidity: its own validity length, the cap of any grace).
  uint64_t renewalGraceSeconds() const { return renewalGraceSeconds_; }

  SshpopProvisioner(std::string name, uint64_t maxLifetime, uint64_t renewalGraceSeconds, policy::SshPolicy policy,
                    policy::TlsPolicy tlsPolicy = {});

 private:
  Result<CertificateProof> prove(const jose::JwsParts& token, const TokenContext& ctx, uint64_t graceSeconds) const;
  Result<CertificateProof> proveNamed(const jose::JwsParts& token, const TokenContext& ctx,
                                      uint64_t graceSeconds) const;

  std::string name_;
  uint64_t maxLifetimeSeconds_;
  uint64_t renewalGraceSeconds_;
  policy::SshPolicy policy_;
  policy::TlsPolicy tlsPolicy_;
};

}  // namespace sshca::provisioners
