#include "ca/service/provisioners/oidc_provisioner.h"

#include "ca/core/jose/json_object.h"
#include "ca/service/provisioners/idp_http_get.h"
#include "ca/service/provisioners/oidc_id_token.h"

namespace sshca::provisioners {
namespace {

using Json = nlohmann::json;

constexpr const char* kScopes = "openid email profile groups";

Error badConfig(const std::string& name, std::string message) {
  return makeError(ErrorCode::InvalidArgument, "provisioner \"" + name + "\": " + std::move(message));
}

std::string member(const Json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool audienceHas(const Json& aud, const std::string& clientId) {
  if (aud.is_string()) return aud.get_ref<const std::string&>() == clientId;
  if (!aud.is_array()) return false;
  for (const auto& a : aud)
    if (a.is_string() && a.get_ref<const std::string&>() == clientId) return true;
  return false;
}

}  // namespace

Result<OidcDiscovery> discoverOidc(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  auto body = idpHttpGet(base + "/.well-known/openid-configuration");
  if (!body.ok()) return std::move(body).error().context("OIDC discovery for " + issuer);
  auto doc = jose::parseJsonObject(*body, "the discovery document of " + issuer);
  if (!doc.ok()) return std::move(doc).error();
  // OIDC Discovery §4.3: the document must name exactly the issuer asked.
  if (member(*doc, "issuer") != issuer)
    return makeError(ErrorCode::InvalidFormat, "the discovery document of " + issuer + " names another issuer");
  OidcDiscovery d;
  d.jwksUri = member(*doc, "jwks_uri");
  d.authorizationEndpoint = member(*doc, "authorization_endpoint");
  d.tokenEndpoint = member(*doc, "token_endpoint");
  d.deviceAuthorizationEndpoint = member(*doc, "device_authorization_endpoint");
  if (d.jwksUri.empty())
    return makeError(ErrorCode::InvalidFormat, "the discovery document of " + issuer + " has no jwks_uri");
  if (auto s = config::checkIssuerUrl(d.jwksUri); !s.ok())
    return makeError(ErrorCode::InvalidFormat, "jwks_uri of " + issuer + ": " + s.error().message);
  return d;
}

Result<std::unique_ptr<JwksVerifier>> fetchJwks(const std::string& jwksUri) {
  SSHCA_ASSIGN_OR_RETURN(std::string body, idpHttpGet(jwksUri));
  return JwksVerifier::create(body, jwksUri);
}

OidcProvisioner::OidcProvisioner(std::string name, config::OidcConfig config, policy::SshPolicy policy)
    : name_(std::move(name)), config_(std::move(config)), policy_(std::move(policy)) {}

Result<std::shared_ptr<const OidcProvisioner>> OidcProvisioner::create(const config::ProvisionerConfig& c) {
  if (c.name.empty()) return badConfig(c.name, "the name is empty");
  if (auto s = config::checkIssuerUrl(c.oidc.issuer); !s.ok()) return badConfig(c.name, s.error().message);
  if (c.oidc.clientId.empty()) return badConfig(c.name, "the client ID is empty");
  if (c.oidc.algorithms.empty()) return badConfig(c.name, "no signing algorithm is accepted");
  for (const auto& a : c.oidc.algorithms)
    if (!config::isAllowedOidcAlgorithm(a)) return badConfig(c.name, "algorithm '" + a + "' is not accepted");
  if (c.oidc.rules.claims.empty() && c.oidc.rules.groups.empty()) return badConfig(c.name, "no principal rule");
  return std::make_shared<const OidcProvisioner>(c.name, c.oidc, c.policy);
}

// Discovery once, then kept for the life of this provisioner (a SIGHUP
// builds a new one, so a changed issuer is picked up); the JWKS is fetched
// again when older than kJwksMaxAgeSeconds. A failure is not kept: the
// next token tries again. Every JWKS fetch counts as the last one for the
// unknown-key refetch (verifySignature), so that a token arriving just
// after a fetch cannot start a second one.
Result<std::shared_ptr<const OidcProvisioner::Discovered>> OidcProvisioner::discovered(int64_t now) const {
  std::shared_ptr<const Discovered> kept;
  {
    std::lock_guard lock(mu_);
    kept = discovered_;
    if (kept && (now == 0 || now - kept->fetchedAt < kJwksMaxAgeSeconds)) return kept;
    if (now != 0) lastJwksFetch_ = now;
  }
  if (kept) return refetchJwks(kept, now);
  SSHCA_ASSIGN_OR_RETURN(OidcDiscovery doc, discoverOidc(config_.issuer));
  SSHCA_ASSIGN_OR_RETURN(std::shared_ptr<const JwksVerifier> verifier, fetchJwks(doc.jwksUri));
  auto fresh = std::make_shared<const Discovered>(Discovered{std::move(doc), std::move(verifier), now});
  std::lock_guard lock(mu_);
  if (!discovered_) discovered_ = std::move(fresh);
  return discovered_;
}

Result<std::shared_ptr<const OidcProvisioner::Discovered>> OidcProvisioner::refetchJwks(
    const std::shared_ptr<const Discovered>& old, int64_t now) const {
  SSHCA_ASSIGN_OR_RETURN(std::shared_ptr<const JwksVerifier> verifier, fetchJwks(old->doc.jwksUri));
  auto fresh = std::make_shared<const Discovered>(Discovered{old->doc, std::move(verifier), now});
  std::lock_guard lock(mu_);
  discovered_ = fresh;
  return fresh;
}

// With the kept JWKS; when no key of it verifies, once more with a fresh
// JWKS (the IdP may have rotated its keys), at most every
// kJwksRefetchSeconds.
Status OidcProvisioner::verifySignature(const jose::JwsParts& token, int64_t now) const {
  SSHCA_ASSIGN_OR_RETURN(auto found, discovered(now));
  Status first = found->verifier->verify(compactOf(token));
  if (first.ok()) return first;
  {
    std::lock_guard lock(mu_);
    if (now - lastJwksFetch_ < kJwksRefetchSeconds) return first;
    lastJwksFetch_ = now;
  }
  SSHCA_ASSIGN_OR_RETURN(auto fresh, refetchJwks(found, now));
  return fresh->verifier->verify(compactOf(token));
}

Result<policy::Identity> OidcProvisioner::authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const {
  IdTokenChecks checks{name_, config_.issuer, config_.clientId, config_.algorithms, ctx.now, kLeewaySeconds};
  auto identity = [&]() -> Result<policy::Identity> {
    SSHCA_RETURN_IF_ERROR(checkIdTokenHeader(token, checks));
    // Claims first: refusing a stale or foreign token needs no network and
    // gives the precise reason; nothing is trusted until the signature is.
    SSHCA_ASSIGN_OR_RETURN(policy::Identity who, identityFromIdToken(token, checks));
    SSHCA_RETURN_IF_ERROR(verifySignature(token, ctx.now));
    return who;
  }();
  if (!identity.ok()) return std::move(identity).error().context("OIDC provisioner \"" + name_ + "\"");
  return identity;
}

bool OidcProvisioner::claimsToken(const Json& payload) const {
  auto iss = payload.find("iss");
  auto aud = payload.find("aud");
  return iss != payload.end() && iss->is_string() && iss->get_ref<const std::string&>() == config_.issuer &&
         aud != payload.end() && audienceHas(*aud, config_.clientId);
}

std::string OidcProvisioner::publicInfoJson() const {
  Json info{{"type", "OIDC"},
            {"name", name_},
            {"issuer", config_.issuer},
            {"clientID", config_.clientId},
            {"scopes", kScopes}};
  // Best effort: an unreachable issuer leaves the device flow unknown.
  auto found = discovered(0);
  if (found.ok()) {
    info["deviceAuthorization"] = !(*found)->doc.deviceAuthorizationEndpoint.empty();
    if (!(*found)->doc.deviceAuthorizationEndpoint.empty())
      info["deviceAuthorizationEndpoint"] = (*found)->doc.deviceAuthorizationEndpoint;
  }
  return info.dump();
}

}  // namespace sshca::provisioners
