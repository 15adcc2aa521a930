// The JWK provisioner (step-ca's "JWK"): one-time tokens signed by a key
// whose public half is in ca.json and whose private half `sshca token`
// holds. It establishes who the caller is (sub) and what the token names
// (step.ssh: type, principals, validity bounds); policy decides the rest,
// and the authority spends the jti.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ca/core/keys/public_key.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/provisioners/provisioner.h"

namespace sshca::provisioners {

class JwkProvisioner final : public Provisioner {
 public:
  // The largest clock difference tolerated on exp, nbf and iat (docs/protocol/tokens.md).
  static constexpr int64_t kLeewaySeconds = 60;

  // InvalidArgument when the config's publicKeyJwk is not a public JWK
  // (private members included), the name is empty or the token lifetime
  // cap is zero.
  static Result<std::shared_ptr<const JwkProvisioner>> create(const config::ProvisionerConfig& config);

  const std::string& name() const override { return name_; }
  std::string type() const override { return "JWK"; }

  // In order: header kid equals the key's thumbprint; signature verifies
  // with the provisioner key under the one alg that fits it; iss, aud
  // (ctx.caUrl + ctx.endpoint, with or without "/1.0"), exp/nbf/iat with
  // kLeewaySeconds, jti present, lifetime within the cap; sub non-empty;
  // step.ssh well-formed with keyID equal to sub. Unauthenticated on any
  // failure, the message naming the check.
  Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const override;

  // An admin revoke (step-ca's format): the same header, signature and
  // registered-claim checks with aud bound to /ssh/revoke, and "sub" the
  // decimal serial to revoke. Which CA issued it is the authority's lookup.
  Result<RevokeAuthorization> authorizeSshRevoke(const jose::JwsParts& token, const TokenContext& ctx) const override;

  const policy::SshPolicy& policy() const override { return policy_; }

  // {"type":"JWK","name":...,"key":{<public JWK>,"kid","alg","use":"sig"}}
  std::string publicInfoJson() const override { return publicInfo_; }
  std::optional<std::string> encryptedKey(const std::string& kid) const override;

  // The RFC 7638 thumbprint: the "kid" tokens of this provisioner carry.
  const std::string& kid() const { return kid_; }

  JwkProvisioner(std::string name, PublicKey key, std::string kid, std::string alg, uint64_t maxLifetime,
                 policy::SshPolicy policy, std::string publicInfo, std::string encryptedKey = {});

 private:
  Status checkHeader(const jose::JwsParts& token) const;
  Status checkRegisteredClaims(const nlohmann::json& payload, const TokenContext& ctx) const;

  std::string name_;
  PublicKey key_;
  std::string kid_;
  std::vector<std::string> allowedAlgs_;  // exactly the alg that fits key_
  uint64_t maxLifetimeSeconds_;
  policy::SshPolicy policy_;
  std::string publicInfo_;
  std::string encryptedKey_;  // step's JWE of the private key; may be empty
};

// The audiences a token for `ctx` may carry, as step-ca builds them
// (token_audiences.h): each of the CA's names and its URL, followed by the
// endpoint, with and without step's "/1.0" prefix.
std::vector<std::string> tokenAudiences(const TokenContext& ctx);

}  // namespace sshca::provisioners
