// The JWK provisioner: tokens minted by mintJwkToken authorize; every kind
// of bad token is refused as unauthenticated with a message naming the check.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/service/provisioners/jwk_provisioner.h"
#include "ca/service/provisioners/jwk_token.h"
#include "tests/unit/support/soft_keys.h"

using namespace sshca;
using namespace sshca::provisioners;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1800000000;
const std::string kCaUrl = "https://ca.example.com:8443";
const std::string kName = "admin";

// One provisioner key per test process: keygen is the slow part.
const SignerPtr& provisionerKey() {
  static SignerPtr key = test::newP256Signer();
  return key;
}

std::string kidOf(const Signer& s) {
  auto kid = jose::thumbprintSha256(s.publicKey());
  REQUIRE(kid.ok());
  return *kid;
}

config::ProvisionerConfig configFor(const Signer& s, uint64_t maxLifetime = 3600) {
  auto jwk = jose::publicJwkOf(s.publicKey());
  REQUIRE(jwk.ok());
  config::ProvisionerConfig c;
  c.type = "jwk";
  c.name = kName;
  c.publicKeyJwk = jwk->dump();
  c.tokenMaxLifetimeSeconds = maxLifetime;
  return c;
}

ProvisionerPtr provisioner(uint64_t maxLifetime = 3600) {
  auto p = makeProvisioner(configFor(*provisionerKey(), maxLifetime));
  REQUIRE(p.ok());
  return *p;
}

TokenContext context(int64_t now = kNow) { return {kCaUrl, "/1.0/ssh/sign", now}; }

JwkTokenRequest userRequest() {
  JwkTokenRequest r;
  r.provisionerName = kName;
  r.caUrl = kCaUrl;
  r.subject = "alice";
  r.certType = ssh::CertType::User;
  r.principals = {"alice", "admin"};
  r.ttlSeconds = 300;
  r.now = kNow;
  return r;
}

std::string mint(const JwkTokenRequest& r = userRequest(), const Signer& key = *provisionerKey()) {
  auto token = mintJwkToken(r, key, systemRandom());
  REQUIRE(token.ok());
  return *token;
}

// The claims a good token carries, for tests that change one of them.
Json goodClaims() {
  return {{"iss", kName},
          {"aud", kCaUrl + "/1.0/ssh/sign"},
          {"sub", "alice"},
          {"iat", kNow},
          {"nbf", kNow},
          {"exp", kNow + 300},
          {"jti", std::string(64, 'a')},
          {"step", {{"ssh", {{"certType", "user"}, {"keyID", "alice"}, {"principals", {"alice"}}}}}}};
}

// Signs arbitrary claims with `key`, naming `kid` in the header.
std::string signClaims(const Json& claims, const Signer& key, const std::string& kid) {
  auto token = jose::signCompact(Json{{"kid", kid}, {"typ", "JWT"}}, claims, key);
  REQUIRE(token.ok());
  return *token;
}
std::string signClaims(const Json& claims) { return signClaims(claims, *provisionerKey(), kidOf(*provisionerKey())); }

std::string b64(std::string_view s) { return base64UrlEncode(asBytes(s)); }

Result<policy::Identity> authorize(std::string_view token, const TokenContext& ctx = context()) {
  SSHCA_ASSIGN_OR_RETURN(jose::JwsParts parts, jose::parseCompact(token));
  return provisioner()->authorizeSshSign(parts, ctx);
}

// The refusal's message; fails the test unless it is Unauthenticated.
std::string refusal(std::string_view token, const TokenContext& ctx = context()) {
  auto who = authorize(token, ctx);
  REQUIRE_FALSE(who.ok());
  CHECK(who.error().code == ErrorCode::Unauthenticated);
  CHECK_THAT(who.error().message, !Contains(std::string(token)));
  return who.error().message;
}

}  // namespace

TEST_CASE("JwkMintedUserTokenAuthorizes", "[jwk]") {
  JwkTokenRequest r = userRequest();
  r.validAfter = kNow;
  r.validBefore = kNow + 3600;
  std::string token = mint(r);
  auto who = authorize(token);
  REQUIRE(who.ok());
  CHECK(who->provisioner == kName);
  CHECK(who->subject == "alice");
  CHECK(who->tokenId.size() == 64);
  CHECK(who->tokenUsableUntil == kNow + 300 + JwkProvisioner::kLeewaySeconds);  // exp + leeway
  CHECK(who->certType == ssh::CertType::User);
  CHECK(who->principals == std::vector<std::string>{"alice", "admin"});
  CHECK(who->validAfter == std::optional<uint64_t>(kNow));
  CHECK(who->validBefore == std::optional<uint64_t>(kNow + 3600));
  CHECK(who->groups.empty());
}

TEST_CASE("JwkMintedHostTokenAuthorizesOnBothRoutes", "[jwk]") {
  JwkTokenRequest r = userRequest();
  r.subject = "web1.example.com";
  r.certType = ssh::CertType::Host;
  r.principals = {"web1.example.com", "web1"};
  std::string token = mint(r);
  for (const char* endpoint : {"/1.0/ssh/sign", "/ssh/sign"}) {
    INFO(endpoint);
    auto who = authorize(token, TokenContext{kCaUrl + "/", endpoint, kNow + 30});
    REQUIRE(who.ok());
    CHECK(who->certType == ssh::CertType::Host);
    CHECK(who->subject == "web1.example.com");
    CHECK_FALSE(who->validAfter.has_value());
    CHECK_FALSE(who->validBefore.has_value());
  }
  // A token whose aud omits step's "/1.0" is accepted too.
  Json claims = goodClaims();
  claims["aud"] = kCaUrl + "/ssh/sign";
  CHECK(authorize(signClaims(claims)).ok());
}

TEST_CASE("JwkRefusesForgedSignature", "[jwk]") {
  SignerPtr other = test::newP256Signer();
  std::string forged = signClaims(goodClaims(), *other, kidOf(*provisionerKey()));
  CHECK_THAT(refusal(forged), Contains("signature does not verify"));
}

TEST_CASE("JwkRefusesExpiredToken", "[jwk]") {
  std::string token = mint();
  // Inside the leeway it still works; past it, not.
  auto late = authorize(token, context(kNow + 300 + 59));
  REQUIRE(late.ok());
  // ... so the spent token must be kept at least that long (pruning).
  CHECK(late->tokenUsableUntil >= kNow + 300 + 59);
  CHECK_THAT(refusal(token, context(kNow + 300 + 61)), Contains("token expired at"));
}

TEST_CASE("JwkRefusesTokenNotYetValid", "[jwk]") {
  Json claims = goodClaims();
  claims["nbf"] = kNow + 120;
  claims["exp"] = kNow + 400;
  CHECK_THAT(refusal(signClaims(claims)), Contains("not valid before"));
}

TEST_CASE("JwkRefusesTokenIssuedInTheFuture", "[jwk]") {
  Json claims = goodClaims();
  claims["iat"] = kNow + 120;
  CHECK_THAT(refusal(signClaims(claims)), Contains("issued in the future"));
}

TEST_CASE("JwkRefusesWrongAudience", "[jwk]") {
  std::string token = mint();
  CHECK_THAT(refusal(token, TokenContext{"https://other-ca.example.com", "/1.0/ssh/sign", kNow}), Contains("audience"));
  CHECK_THAT(refusal(token, TokenContext{kCaUrl, "/1.0/ssh/renew", kNow}), Contains("audience"));
  Json claims = goodClaims();
  claims["aud"] = kCaUrl + "/1.0/ssh/revoke";
  CHECK_THAT(refusal(signClaims(claims)), Contains("does not include"));
}

TEST_CASE("JwkRefusesWrongIssuer", "[jwk]") {
  JwkTokenRequest r = userRequest();
  r.provisionerName = "someone-else";
  CHECK_THAT(refusal(mint(r)), Contains("issuer \"someone-else\" is not \"admin\""));
}

TEST_CASE("JwkRefusesAlgNone", "[jwk]") {
  std::string kid = kidOf(*provisionerKey());
  std::string unsecured = b64(Json{{"alg", "none"}, {"kid", kid}}.dump()) + "." + b64(goodClaims().dump()) + ".";
  CHECK_THAT(refusal(unsecured), Contains("unsecured"));
  // With some signature bytes it gets past parsing and is refused by alg.
  std::string withSig = unsecured + b64("x");
  CHECK_THAT(refusal(withSig), Contains("none"));
}

TEST_CASE("JwkRefusesHs256WithThePublicKeyAsSecret", "[jwk]") {
  std::string kid = kidOf(*provisionerKey());
  auto jwk = jose::publicJwkOf(provisionerKey()->publicKey());
  REQUIRE(jwk.ok());
  std::string secret = jwk->dump();
  std::string input = b64(Json{{"alg", "HS256"}, {"kid", kid}, {"typ", "JWT"}}.dump()) + "." + b64(goodClaims().dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  REQUIRE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &macLen));
  std::string token = input + "." + base64UrlEncode(std::span<const uint8_t>(mac, macLen));
  CHECK_THAT(refusal(token), Contains("HS256"));
}

TEST_CASE("JwkRefusesKidMismatch", "[jwk]") {
  CHECK_THAT(refusal(signClaims(goodClaims(), *provisionerKey(), "some-other-kid")),
             Contains("kid does not name this provisioner's key"));
  auto noKid = jose::signCompact(Json{{"typ", "JWT"}}, goodClaims(), *provisionerKey());
  REQUIRE(noKid.ok());
  CHECK_THAT(refusal(*noKid), Contains("no \"kid\""));
}

TEST_CASE("JwkRefusesMissingJti", "[jwk]") {
  Json claims = goodClaims();
  claims.erase("jti");
  CHECK_THAT(refusal(signClaims(claims)), Contains("no \"jti\" claim"));
}

TEST_CASE("JwkRefusesMissingStepSsh", "[jwk]") {
  Json claims = goodClaims();
  claims["step"].erase("ssh");
  CHECK_THAT(refusal(signClaims(claims)), Contains("no \"step.ssh\" claim"));
  claims.erase("step");
  CHECK_THAT(refusal(signClaims(claims)), Contains("no \"step\" claim"));
}

TEST_CASE("JwkRefusesKeyIdOtherThanSubject", "[jwk]") {
  Json claims = goodClaims();
  claims["step"]["ssh"]["keyID"] = "mallory";
  CHECK_THAT(refusal(signClaims(claims)), Contains("keyID is not the token's subject"));
  claims = goodClaims();
  claims.erase("sub");
  CHECK_THAT(refusal(signClaims(claims)), Contains("no \"sub\" claim"));
}

// step's CLI writes keyID "" and may leave principals out: as step-ca
// reads it, the subject is then the key ID and the one principal.
TEST_CASE("JwkReadsStepsEmptyKeyIdAndPrincipalsAsTheSubject", "[jwk]") {
  Json claims = goodClaims();
  claims["step"]["ssh"]["keyID"] = "";
  claims["step"]["ssh"]["principals"] = Json::array();
  auto who = authorize(signClaims(claims));
  REQUIRE(who.ok());
  CHECK(who->subject == "alice");
  CHECK(who->principals == std::vector<std::string>{"alice"});
  claims["step"]["ssh"].erase("principals");
  claims["step"]["ssh"].erase("keyID");
  CHECK(authorize(signClaims(claims)).ok());
  claims["step"]["ssh"]["principals"] = {"alice", 7};
  CHECK_THAT(refusal(signClaims(claims)), Contains("not a non-empty string"));
}

TEST_CASE("JwkRefusesBadStepSshFields", "[jwk]") {
  Json claims = goodClaims();
  claims["step"]["ssh"]["certType"] = "admin";
  CHECK_THAT(refusal(signClaims(claims)), Contains("certType must be"));
  claims = goodClaims();
  claims["step"]["ssh"]["validBefore"] = "16 hours";
  CHECK_THAT(refusal(signClaims(claims)), Contains("validBefore is neither an RFC 3339 time"));
  // step writes "" for an unset bound.
  claims["step"]["ssh"]["validBefore"] = "";
  CHECK(authorize(signClaims(claims)).ok());
}

TEST_CASE("JwkRefusesLifetimeAboveMaximum", "[jwk]") {
  JwkTokenRequest r = userRequest();
  r.ttlSeconds = 3601;
  CHECK_THAT(refusal(mint(r)), Contains("exceeds the limit of 3600s"));
}

TEST_CASE("JwkRefusesGarbageToken", "[jwk]") {
  for (const std::string& garbage : std::vector<std::string>{"", "garbage", "a.b.c", "....", std::string(20000, 'A')}) {
    auto who = authorize(garbage);
    REQUIRE_FALSE(who.ok());
    CHECK(who.error().code == ErrorCode::Unauthenticated);
  }
  // A signed payload that is not JSON at all.
  std::string kid = kidOf(*provisionerKey());
  CHECK_THAT(refusal(b64(Json{{"alg", "ES256"}, {"kid", kid}}.dump()) + "." + b64("not json") + "." + b64("sig")),
             Contains("payload"));
}

TEST_CASE("JwkRefusalsNameTheProvisioner", "[jwk]") {
  Json claims = goodClaims();
  claims.erase("jti");
  CHECK_THAT(refusal(signClaims(claims)), Contains("JWK provisioner \"admin\""));
}

TEST_CASE("JwkProvisionerPublicInfo", "[jwk]") {
  ProvisionerPtr p = provisioner();
  CHECK(p->type() == "JWK");
  CHECK(p->name() == kName);
  Json info = Json::parse(p->publicInfoJson());
  CHECK(info["type"] == "JWK");
  CHECK(info["name"] == kName);
  CHECK(info["key"]["kty"] == "EC");
  CHECK(info["key"]["crv"] == "P-256");
  CHECK(info["key"]["kid"] == kidOf(*provisionerKey()));
  CHECK(info["key"]["alg"] == "ES256");
  CHECK_FALSE(info["key"].contains("d"));
}

TEST_CASE("JwkMakeProvisionerRefusesBadConfig", "[jwk]") {
  config::ProvisionerConfig c = configFor(*provisionerKey());
  c.type = "acme";  // a type sshca does not know (oidc exists now)
  auto unknown = makeProvisioner(c);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::Unsupported);

  c = configFor(*provisionerKey());
  c.publicKeyJwk = "{\"kty\":\"EC\"";
  CHECK_FALSE(makeProvisioner(c).ok());

  c = configFor(*provisionerKey());
  Json jwk = Json::parse(c.publicKeyJwk);
  jwk["d"] = "AAAA";
  c.publicKeyJwk = jwk.dump();
  auto priv = makeProvisioner(c);
  REQUIRE_FALSE(priv.ok());
  CHECK(priv.error().code == ErrorCode::InvalidArgument);

  c = configFor(*provisionerKey());
  jwk = Json::parse(c.publicKeyJwk);
  jwk["alg"] = "ES384";
  c.publicKeyJwk = jwk.dump();
  auto wrongAlg = makeProvisioner(c);
  REQUIRE_FALSE(wrongAlg.ok());
  CHECK_THAT(wrongAlg.error().message, Contains("does not fit the key"));

  c = configFor(*provisionerKey(), 0);
  CHECK_FALSE(makeProvisioner(c).ok());
}

TEST_CASE("JwkAcceptsConfigKeyWithKidUseAlg", "[jwk]") {
  // `sshca init` writes the key with kid, use and alg (as step-ca does).
  config::ProvisionerConfig c = configFor(*provisionerKey());
  Json jwk = Json::parse(c.publicKeyJwk);
  jwk["kid"] = kidOf(*provisionerKey());
  jwk["use"] = "sig";
  jwk["alg"] = "ES256";
  c.publicKeyJwk = jwk.dump();
  auto p = makeProvisioner(c);
  REQUIRE(p.ok());
  auto parts = jose::parseCompact(mint());
  REQUIRE(parts.ok());
  CHECK((*p)->authorizeSshSign(*parts, context()).ok());
}

// `step ssh certificate --not-after 2h` writes "2h0m0s": step-ca counts it
// from the moment it reads the token.
TEST_CASE("JwkCountsARelativeValidityFromNow", "[jwk]") {
  Json claims = goodClaims();
  claims["step"]["ssh"]["validBefore"] = "2h0m0s";
  claims["step"]["ssh"]["validAfter"] = "-1m";
  auto who = authorize(signClaims(claims));
  REQUIRE(who.ok());
  REQUIRE(who->validBefore);
  REQUIRE(who->validAfter);
  CHECK(*who->validBefore == static_cast<uint64_t>(kNow + 7200));
  CHECK(*who->validAfter == static_cast<uint64_t>(kNow - 60));
}
