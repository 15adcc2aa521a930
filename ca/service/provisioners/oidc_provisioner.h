// The OIDC provisioner: users sign in at the company's identity provider
// and present the ID token. It establishes who the caller is (sub, email,
// email_verified, preferred_username, groups); which principals that
// gives is policy's (principal_rules.h, applied by the authority). The
// token is single-use: the authority records its id with the certificate.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "ca/service/config/ca_config.h"
#include "ca/service/provisioners/oidc_liboauth2.h"
#include "ca/service/provisioners/provisioner.h"

namespace sshca::provisioners {

// What the issuer's discovery document says (OIDC Discovery 1.0 §3).
struct OidcDiscovery {
  std::string jwksUri;
  std::string authorizationEndpoint;
  std::string tokenEndpoint;
  std::string deviceAuthorizationEndpoint;  // empty: no device flow
};

class OidcProvisioner final : public Provisioner {
 public:
  static constexpr int64_t kLeewaySeconds = 60;
  // The JWKS is kept this long, then fetched again before the next check.
  static constexpr int64_t kJwksMaxAgeSeconds = 3600;
  // A token whose key is not in the kept JWKS (the IdP rotated its keys)
  // fetches it again, but not more often than this: forged tokens with
  // made-up key IDs must not turn the CA into a client hammering the IdP.
  static constexpr int64_t kJwksRefetchSeconds = 60;

  // InvalidArgument for a bad issuer URL, an empty client ID or no rule.
  // No network: discovery happens on first use and is kept.
  static Result<std::shared_ptr<const OidcProvisioner>> create(const config::ProvisionerConfig& config);

  const std::string& name() const override { return name_; }
  std::string type() const override { return "OIDC"; }

  // In order: alg allow-list; iss, aud, azp, exp/nbf/iat, sub
  // (oidc_id_token.h); discovery; signature by a key of the JWKS (liboauth2).
  // Unauthenticated naming the check; Unavailable when the issuer cannot
  // be reached.
  Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const override;

  const policy::SshPolicy& policy() const override { return policy_; }
  const policy::PrincipalRules* principalRules() const override { return &config_.rules; }

  // iss is the issuer and aud names the client (several OIDC provisioners
  // may share an issuer with different clients).
  bool claimsToken(const nlohmann::json& payload) const override;

  // {"type":"OIDC","name","issuer","clientID","scopes","deviceAuthorization":bool,
  //  "deviceAuthorizationEndpoint"?} — what `sshca-agent login` needs.
  std::string publicInfoJson() const override;

  OidcProvisioner(std::string name, config::OidcConfig config, policy::SshPolicy policy);

 private:
  struct Discovered {
    OidcDiscovery doc;
    std::shared_ptr<const JwksVerifier> verifier;
    int64_t fetchedAt = 0;  // the JWKS's; 0: not known (fetched without a token's `now`)
  };
  // `now` 0: whatever is kept (publicInfoJson has no clock).
  Result<std::shared_ptr<const Discovered>> discovered(int64_t now) const;
  // The JWKS fetched again (the discovery document kept).
  Result<std::shared_ptr<const Discovered>> refetchJwks(const std::shared_ptr<const Discovered>& old,
                                                        int64_t now) const;
  Status verifySignature(const jose::JwsParts& token, int64_t now) const;

  std::string name_;
  config::OidcConfig config_;
  policy::SshPolicy policy_;
  mutable std::mutex mu_;  // guards discovered_ and lastJwksFetch_; never held during HTTP
  mutable std::shared_ptr<const Discovered> discovered_;
  mutable int64_t lastJwksFetch_ = 0;  // when the last JWKS fetch started (0: never, or without a clock)
};

// Fetches and checks issuer/.well-known/openid-configuration (bounded:
// idp_http_get.h): its "issuer" must equal `issuer` exactly, jwks_uri must
// be https (http only on loopback). Unavailable when unreachable, too
// large or too slow; InvalidFormat when wrong.
Result<OidcDiscovery> discoverOidc(const std::string& issuer);

// Fetches the JWKS at `jwksUri` (bounded: idp_http_get.h) and reads its keys.
Result<std::unique_ptr<JwksVerifier>> fetchJwks(const std::string& jwksUri);

}  // namespace sshca::provisioners
