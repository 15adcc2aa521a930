// Provisioners say who the caller is, and nothing else (docs/architecture.md,
// 4): each turns a credential into a policy::Identity or an
// Unauthenticated error. What the caller then gets is policy's decision;
// spending the one-time token is the authority's (it records the token id
// in the same transaction as the certificate).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/jose/jws.h"
#include "ca/core/keys/public_key.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/policy/identity.h"
#include "ca/service/policy/principal_rules.h"
#include "ca/service/policy/ssh_policy.h"
#include "ca/service/policy/tls_policy.h"

namespace sshca::provisioners {

// What a token must be bound to: this CA and this endpoint, at this time.
struct TokenContext {
  std::string caUrl;     // CaConfig::url, no trailing slash
  std::string endpoint;  // "/1.0/ssh/sign"
  int64_t now = 0;
  // CaConfig::dnsNames: tokens may name https://<each>/... (token_audiences.h).
  std::vector<std::string> caNames{};
  // The CA keys an SSHPOP certificate must be signed by (per its type).
  std::optional<PublicKey> userCaKey{};
  std::optional<PublicKey> hostCaKey{};
};

// What a proof of possession of a certificate (SSHPOP) established: the
// caller holds the private key of `certificate`, which this CA's key for
// its type signed. Whether the certificate is still on record and not
// revoked is the authority's check (it owns the database).
struct CertificateProof {
  policy::Identity identity;  // subject = the certificate's key ID; tokenId = jti
  ssh::Certificate certificate;
};

// Who may revoke which serial: an admin token names it in "sub"; an SSHPOP
// token names its own certificate (then `certType` says which CA).
struct RevokeAuthorization {
  policy::Identity identity;
  uint64_t serial = 0;
  std::optional<ssh::CertType> certType{};
};

class Provisioner {
 public:
  virtual ~Provisioner() = default;

  virtual const std::string& name() const = 0;
  virtual std::string type() const = 0;  // as step-ca names it: "JWK"

  // Authenticates a token for POST /ssh/sign. `token` is parsed but not yet
  // trusted. Unauthenticated with the reason on any failure.
  virtual Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const = 0;

  // POST /ssh/renew and /ssh/rekey: a proof over the current certificate.
  // By default a provisioner cannot authorize them (JWK, OIDC): refused.
  virtual Result<CertificateProof> authorizeSshRenew(const jose::JwsParts& token, const TokenContext& ctx) const;
  virtual Result<CertificateProof> authorizeSshRekey(const jose::JwsParts& token, const TokenContext& ctx) const;
  // POST /ssh/revoke. Refused by default.
  virtual Result<RevokeAuthorization> authorizeSshRevoke(const jose::JwsParts& token, const TokenContext& ctx) const;

  // POST /x509/sign: a proof over the current host certificate, bound to
  // that endpoint (a renew token is refused here). Refused by default.
  virtual Result<CertificateProof> authorizeX509Sign(const jose::JwsParts& token, const TokenContext& ctx) const;

  // Limits for the certificates this provisioner's callers may get.
  virtual const policy::SshPolicy& policy() const = 0;
  // And for the TLS certificates of POST /x509/sign (policy/tls_policy.h).
  virtual const policy::TlsPolicy& tlsPolicy() const;

  // OIDC: the rules that map the identity to principals (the authority
  // applies them); nullptr when the credential itself names the principals.
  virtual const policy::PrincipalRules* principalRules() const { return nullptr; }

  // Whether this provisioner takes a token whose "iss" is not its name
  // (OIDC: iss is the issuer URL, and aud names the client). Unverified
  // claims: only a lookup, the provisioner verifies everything after.
  virtual bool claimsToken(const nlohmann::json& /*payload*/) const { return false; }

  // The encrypted private key (step's encryptedKey, a JWE) of the key
  // `kid` names, when this provisioner keeps one for `step ca token`.
  virtual std::optional<std::string> encryptedKey(const std::string& /*kid*/) const { return std::nullopt; }

  // Public settings for GET /provisioners (a JSON object as text).
  virtual std::string publicInfoJson() const = 0;
};

using ProvisionerPtr = std::shared_ptr<const Provisioner>;

// Builds the provisioner a config entry describes.
Result<ProvisionerPtr> makeProvisioner(const config::ProvisionerConfig& config);

}  // namespace sshca::provisioners
