// The ID token checks sshca makes itself (oidc_id_token.h): liboauth2 does
// the signature; these are the claims it skips. Tokens here are never
// verified, so any signature bytes do.
#include <catch2/catch.hpp>

#include "ca/core/common/bytes.h"
#include "ca/service/provisioners/oidc_id_token.h"

using namespace sshca;
using namespace sshca::provisioners;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1800000000;
const std::string kIssuer = "https://login.example.com";

Json claims() {
  return {{"iss", kIssuer},
          {"sub", "248289761001"},
          {"aud", "sshca"},
          {"iat", kNow - 10},
          {"exp", kNow + 600},
          {"email", "alice@example.com"},
          {"email_verified", true},
          {"preferred_username", "alice"},
          {"groups", {"admins", "ssh-users"}}};
}

std::string b64(const std::string& s) {
  return base64UrlEncode(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
}

jose::JwsParts token(const Json& payload, const Json& header = {{"alg", "RS256"}, {"kid", "k1"}},
                     const std::string& signature = "signature") {
  return jose::parseCompact(b64(header.dump()) + "." + b64(payload.dump()) + "." + b64(signature)).value();
}

IdTokenChecks checks() { return {"corp", kIssuer, "sshca", {"RS256", "ES256"}, kNow, 60}; }

std::string refusal(const Json& payload) {
  auto who = identityFromIdToken(token(payload), checks());
  REQUIRE_FALSE(who.ok());
  CHECK(who.error().code == ErrorCode::Unauthenticated);
  return who.error().message;
}

}  // namespace

TEST_CASE("oidc id token: a good token gives the identity") {
  auto t = token(claims());
  auto who = identityFromIdToken(t, checks());
  REQUIRE(who.ok());
  CHECK(who->provisioner == "corp");
  CHECK(who->subject == "alice@example.com");
  CHECK(who->sub == "248289761001");
  CHECK(who->email == "alice@example.com");
  CHECK(who->emailVerified);
  CHECK(who->preferredUsername == "alice");
  CHECK(who->groups == std::vector<std::string>{"admins", "ssh-users"});
  // exp plus the 60 s leeway: a replay passes the time checks until then.
  CHECK(who->tokenUsableUntil == kNow + 600 + 60);
  // Spent per issuer, not per provisioner name (a rename keeps it spent).
  CHECK(who->tokenScope == "oidc " + kIssuer);
  CHECK(who->principals.empty());  // policy's job
  // No jti: the replay key is the token's hash, so it differs per token.
  CHECK(who->tokenId.starts_with("sha256:"));
  CHECK(compactOf(t).ends_with("." + b64("signature")));
  // ... of what was signed: another signature over the same header and
  // claims (ECDSA's (r, n - s) twin) is the same token.
  const Json es256 = {{"alg", "ES256"}, {"kid", "k1"}};
  CHECK(identityFromIdToken(token(claims(), es256, "sig-one"), checks())->tokenId ==
        identityFromIdToken(token(claims(), es256, "sig-two"), checks())->tokenId);
  auto later = claims();
  later["iat"] = kNow - 5;
  CHECK(identityFromIdToken(token(later), checks())->tokenId != who->tokenId);
  auto withJti = claims();
  withJti["jti"] = "abc";
  CHECK(identityFromIdToken(token(withJti), checks())->tokenId == "jti:abc");
}

TEST_CASE("oidc id token: only allowed asymmetric algorithms") {
  CHECK(checkIdTokenHeader(token(claims()), checks()).ok());
  for (const char* alg : {"none", "HS256", "RS384"}) {
    auto s = checkIdTokenHeader(token(claims(), {{"alg", alg}}), checks());
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.error().message, Catch::Contains(alg));
  }
  auto crit = checkIdTokenHeader(token(claims(), {{"alg", "RS256"}, {"crit", {"x"}}, {"x", 1}}), checks());
  CHECK_FALSE(crit.ok());
}

TEST_CASE("oidc id token: issuer, audience and azp") {
  auto c = claims();
  c["iss"] = "https://evil.example.com";
  refusal(c);
  c = claims();
  c["aud"] = "other-app";
  refusal(c);
  c["aud"] = {"other-app", "sshca"};
  CHECK(identityFromIdToken(token(c), checks()).ok());
  c["azp"] = "other-app";
  CHECK_THAT(refusal(c), Catch::Contains("azp"));
  c["azp"] = "sshca";
  CHECK(identityFromIdToken(token(c), checks()).ok());
}

TEST_CASE("oidc id token: times with 60 s leeway") {
  auto c = claims();
  c["exp"] = kNow - 30;  // within the leeway
  CHECK(identityFromIdToken(token(c), checks()).ok());
  c["exp"] = kNow - 61;
  refusal(c);
  c = claims();
  c["nbf"] = kNow + 120;
  refusal(c);
  c = claims();
  c["iat"] = kNow + 120;
  refusal(c);
  c = claims();
  c.erase("exp");
  refusal(c);
  c = claims();
  c.erase("iat");
  refusal(c);
}

TEST_CASE("oidc id token: sub, groups and nonce") {
  auto c = claims();
  c.erase("sub");
  CHECK_THAT(refusal(c), Catch::Contains("sub"));
  c = claims();
  c["groups"] = "admins";
  refusal(c);
  auto withNonce = checks();
  withNonce.nonce = "n-1";
  CHECK_FALSE(identityFromIdToken(token(claims()), withNonce).ok());
  c = claims();
  c["nonce"] = "n-1";
  CHECK(identityFromIdToken(token(c), withNonce).ok());
  c = claims();
  c["email_verified"] = false;
  CHECK_FALSE(identityFromIdToken(token(c), checks())->emailVerified);  // policy refuses it, not this
}
