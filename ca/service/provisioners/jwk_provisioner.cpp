#include "ca/service/provisioners/jwk_provisioner.h"

#include <algorithm>

#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws_algorithm.h"
#include "ca/core/jose/jwt_claims.h"
#include "ca/service/policy/ssh_serial.h"
#include "ca/service/provisioners/jwk_token.h"
#include "ca/service/provisioners/token_audiences.h"

namespace sshca::provisioners {

namespace {

using Json = nlohmann::json;

Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }
Error badConfig(const std::string& name, std::string message) {
  return makeError(ErrorCode::InvalidArgument, "provisioner \"" + name + "\": " + std::move(message));
}

// The alg the key signs with; a JWK "alg" member must name that same one
// (RFC 7517 §4.4), so a configured alg can never widen what is accepted.
Result<std::string> algorithmFor(const jose::Jwk& jwk, const std::string& name) {
  auto alg = jose::jwsAlgorithmForKey(jwk.key);
  if (!alg.ok()) return badConfig(name, alg.error().message);
  std::string algName(jose::jwsAlgorithmName(*alg));
  if (jwk.alg && *jwk.alg != algName)
    return badConfig(name, "publicKey alg \"" + *jwk.alg + "\" does not fit the key (expected " + algName + ")");
  return algName;
}

// What step clients read from GET /provisioners: the key with kid and alg.
Result<std::string> publicInfoFor(const config::ProvisionerConfig& c, const PublicKey& key, const std::string& kid,
                                  const std::string& alg) {
  SSHCA_ASSIGN_OR_RETURN(Json jwk, jose::publicJwkOf(key));
  jwk["kid"] = kid;
  jwk["alg"] = alg;
  jwk["use"] = "sig";
  Json info{{"type", "JWK"}, {"name", c.name}, {"key", jwk}};
  // step ca token reads it from here and decrypts it with the password.
  if (!c.encryptedKey.empty()) info["encryptedKey"] = c.encryptedKey;
  return jose::dumpJson(info, "provisioner info");
}

Result<std::string> requireSubject(const Json& payload) {
  auto it = payload.find("sub");
  if (it == payload.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return refused("token has no \"sub\" claim (a non-empty string)");
  return it->get<std::string>();
}

policy::Identity identityFrom(const std::string& provisioner, const Json& payload, std::string subject,
                              StepSshClaim ssh) {
  policy::Identity who;
  who.provisioner = provisioner;
  who.subject = std::move(subject);
  // checkClaims guaranteed both: jti a non-empty string, exp a NumericDate.
  who.tokenId = payload.at("jti").get<std::string>();
  who.tokenUsableUntil = static_cast<int64_t>(payload.at("exp").get<double>()) + JwkProvisioner::kLeewaySeconds;
  who.certType = ssh.certType;
  who.principals = std::move(ssh.principals);
  who.validAfter = ssh.validAfter;
  who.validBefore = ssh.validBefore;
  return who;
}

}  // namespace

std::vector<std::string> tokenAudiences(const TokenContext& ctx) {
  return stepAudiences(ctx.caUrl, ctx.caNames, ctx.endpoint);
}

JwkProvisioner::JwkProvisioner(std::string name, PublicKey key, std::string kid, std::string alg, uint64_t maxLifetime,
                               policy::SshPolicy policy, std::string publicInfo, std::string encryptedKey)
    : name_(std::move(name)),
      key_(std::move(key)),
      kid_(std::move(kid)),
      allowedAlgs_{std::move(alg)},
      maxLifetimeSeconds_(maxLifetime),
      policy_(std::move(policy)),
      publicInfo_(std::move(publicInfo)),
      encryptedKey_(std::move(encryptedKey)) {}

std::optional<std::string> JwkProvisioner::encryptedKey(const std::string& kid) const {
  if (encryptedKey_.empty() || kid != kid_) return std::nullopt;
  return encryptedKey_;
}

Result<std::shared_ptr<const JwkProvisioner>> JwkProvisioner::create(const config::ProvisionerConfig& c) {
  if (c.name.empty()) return badConfig(c.name, "the name is empty");
  if (c.tokenMaxLifetimeSeconds == 0) return badConfig(c.name, "tokenMaxLifetime must be positive");
  auto json = jose::parseJsonObject(c.publicKeyJwk, "publicKey JWK");
  if (!json.ok()) return badConfig(c.name, json.error().message);
  auto jwk = jose::parseJwk(*json);
  if (!jwk.ok()) return badConfig(c.name, "publicKey: " + jwk.error().message);
  SSHCA_ASSIGN_OR_RETURN(std::string alg, algorithmFor(*jwk, c.name));
  SSHCA_ASSIGN_OR_RETURN(std::string kid, jose::thumbprintSha256(jwk->key));
  // A compact JWE has five parts; anything else would only fail in step's hands.
  if (!c.encryptedKey.empty() && std::count(c.encryptedKey.begin(), c.encryptedKey.end(), '.') != 4)
    return badConfig(c.name, "encryptedKey is not a compact JWE (five dot-separated parts)");
  SSHCA_ASSIGN_OR_RETURN(std::string info, publicInfoFor(c, jwk->key, kid, alg));
  return std::make_shared<const JwkProvisioner>(c.name, jwk->key, kid, alg, c.tokenMaxLifetimeSeconds, c.policy,
                                                std::move(info), c.encryptedKey);
}

// The kid names the key before any crypto runs, so a token meant for
// another provisioner is refused with a message that says so.
Status JwkProvisioner::checkHeader(const jose::JwsParts& token) const {
  auto kid = token.header.find("kid");
  if (kid == token.header.end() || !kid->is_string()) return refused("token header has no \"kid\" string");
  if (*kid != kid_) return refused("token header kid does not name this provisioner's key (its thumbprint)");
  return okStatus();
}

Status JwkProvisioner::checkRegisteredClaims(const Json& payload, const TokenContext& ctx) const {
  jose::ClaimChecks checks;
  checks.issuer = name_;
  checks.audiences = tokenAudiences(ctx);
  checks.audienceIgnoresPort = true;
  checks.now = ctx.now;
  checks.leewaySeconds = kLeewaySeconds;
  checks.requireJti = true;
  checks.maxLifetimeSeconds = static_cast<int64_t>(maxLifetimeSeconds_);
  return jose::checkClaims(payload, checks);
}

Result<policy::Identity> JwkProvisioner::authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const {
  // An empty CA URL would make "/1.0/ssh/sign" alone an accepted audience.
  if (ctx.caUrl.empty() || ctx.endpoint.empty())
    return makeError(ErrorCode::Internal, "token context has no CA URL or endpoint");
  auto identity = [&]() -> Result<policy::Identity> {
    SSHCA_RETURN_IF_ERROR(checkHeader(token));
    SSHCA_RETURN_IF_ERROR(jose::verifyCompact(token, key_, allowedAlgs_));
    SSHCA_RETURN_IF_ERROR(checkRegisteredClaims(token.payload, ctx));
    SSHCA_ASSIGN_OR_RETURN(std::string subject, requireSubject(token.payload));
    SSHCA_ASSIGN_OR_RETURN(StepSshClaim ssh, parseStepSshClaim(token.payload, ctx.now));
    if (!ssh.keyId.empty() && ssh.keyId != subject) return refused("step.ssh.keyID is not the token's subject (sub)");
    if (ssh.principals.empty()) ssh.principals = {subject};
    return identityFrom(name_, token.payload, std::move(subject), std::move(ssh));
  }();
  if (!identity.ok()) return std::move(identity).error().context("JWK provisioner \"" + name_ + "\"");
  return identity;
}

Result<RevokeAuthorization> JwkProvisioner::authorizeSshRevoke(const jose::JwsParts& token,
                                                               const TokenContext& ctx) const {
  if (ctx.caUrl.empty() || ctx.endpoint.empty())
    return makeError(ErrorCode::Internal, "token context has no CA URL or endpoint");
  auto authorized = [&]() -> Result<RevokeAuthorization> {
    SSHCA_RETURN_IF_ERROR(checkHeader(token));
    SSHCA_RETURN_IF_ERROR(jose::verifyCompact(token, key_, allowedAlgs_));
    SSHCA_RETURN_IF_ERROR(checkRegisteredClaims(token.payload, ctx));
    SSHCA_ASSIGN_OR_RETURN(std::string subject, requireSubject(token.payload));
    auto serial = policy::parseSshSerial(subject, "the token's sub");
    if (!serial.ok()) return refused(serial.error().message);
    policy::Identity who;
    who.provisioner = name_;
    who.subject = subject;
    who.tokenId = token.payload.at("jti").get<std::string>();
    who.tokenUsableUntil = static_cast<int64_t>(token.payload.at("exp").get<double>()) + kLeewaySeconds;
    return RevokeAuthorization{std::move(who), *serial, std::nullopt};
  }();
  if (!authorized.ok()) return std::move(authorized).error().context("JWK provisioner \"" + name_ + "\"");
  return authorized;
}

}  // namespace sshca::provisioners
