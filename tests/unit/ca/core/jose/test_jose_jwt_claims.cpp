#include <catch2/catch.hpp>

#include "ca/core/jose/jti.h"
#include "ca/core/jose/jwt_claims.h"

using namespace sshca;
using namespace sshca::jose;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z
const std::string kAud = "https://ca.example/1.0/ssh/sign";

Json goodClaims() {
  return {{"iss", "admin"},   {"aud", kAud},       {"sub", "host.example"},      {"iat", kNow - 10},
          {"nbf", kNow - 10}, {"exp", kNow + 290}, {"jti", std::string(64, 'a')}};
}

ClaimChecks checks() {
  ClaimChecks c;
  c.issuer = "admin";
  c.audiences = {kAud};
  c.now = kNow;
  return c;
}

// The refusal message, or "ok"; every refusal must be Unauthenticated.
std::string refusal(const Json& claims, const ClaimChecks& c = checks()) {
  Status st = checkClaims(claims, c);
  if (st.ok()) return "ok";
  CHECK(st.error().code == ErrorCode::Unauthenticated);
  return st.error().message;
}

Json with(const char* name, Json value) {
  Json c = goodClaims();
  c[name] = std::move(value);
  return c;
}

Json without(const char* name) {
  Json c = goodClaims();
  c.erase(name);
  return c;
}

class CountingRandom final : public RandomSource {
 public:
  Status fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = next_++;
    return okStatus();
  }

 private:
  uint8_t next_ = 0;
};

}  // namespace

TEST_CASE("ClaimsAcceptAValidToken") {
  CHECK(refusal(goodClaims()) == "ok");
  CHECK(refusal(with("aud", {"other", kAud})) == "ok");
  CHECK(refusal(with("exp", static_cast<double>(kNow) + 0.5)) == "ok");  // NumericDate may be fractional
}

TEST_CASE("ClaimsRefuseAnExpiredToken") {
  CHECK(refusal(with("exp", kNow - 61)) == "token expired at 2025-12-31T23:58:59Z");
  CHECK(refusal(with("exp", kNow - 60)) == "token expired at 2025-12-31T23:59:00Z");
  CHECK(refusal(with("exp", kNow - 59)) == "ok");  // within the minute of leeway
  CHECK(refusal(without("exp")) == "token has no \"exp\" claim");
  CHECK(refusal(with("exp", "tomorrow")) == "claim \"exp\" is not a NumericDate");
  CHECK(refusal(with("exp", -1)) == "claim \"exp\" is not a NumericDate");
  CHECK(refusal(with("exp", 1e300)) == "claim \"exp\" is not a NumericDate");
}

TEST_CASE("ClaimsRefuseATokenNotYetValid") {
  CHECK(refusal(with("nbf", kNow + 61)) == "token is not valid before 2026-01-01T00:01:01Z (nbf)");
  CHECK(refusal(with("nbf", kNow + 60)) == "ok");
  CHECK(refusal(without("nbf")) == "ok");
}

TEST_CASE("ClaimsRefuseATokenIssuedInTheFuture") {
  CHECK(refusal(with("iat", kNow + 3600)) == "token was issued in the future, at 2026-01-01T01:00:00Z (iat)");
  CHECK(refusal(without("iat")) == "ok");
}

TEST_CASE("ClaimsRefuseTheWrongAudience") {
  CHECK(refusal(with("aud", "https://evil.example/1.0/ssh/sign")) ==
        "audience \"https://evil.example/1.0/ssh/sign\" does not include \"https://ca.example/1.0/ssh/sign\"");
  CHECK(refusal(with("aud", {"a", "b"})) ==
        "audience [\"a\",\"b\"] does not include \"https://ca.example/1.0/ssh/sign\"");
  CHECK(refusal(with("aud", {kAud, 7})) == "claim \"aud\" holds a value that is not a string");
  CHECK(refusal(with("aud", 7)) == "claim \"aud\" is neither a string nor an array");
  CHECK(refusal(without("aud")) == "token has no \"aud\" claim");
  ClaimChecks two = checks();
  two.audiences = {"x", "y"};
  CHECK(refusal(goodClaims(), two) ==
        "audience \"https://ca.example/1.0/ssh/sign\" does not include any of [\"x\",\"y\"]");
  two.audiences = {"x", kAud};
  CHECK(refusal(goodClaims(), two) == "ok");
}

TEST_CASE("ClaimsRefuseTheWrongIssuer") {
  CHECK(refusal(with("iss", "mallory")) == "issuer \"mallory\" is not \"admin\"");
  CHECK(refusal(without("iss")) == "token has no \"iss\" claim");
  CHECK(refusal(with("iss", Json::array())) == "claim \"iss\" is not a string");
}

TEST_CASE("ClaimsRefuseAMissingJti") {
  CHECK(refusal(without("jti")) == "token has no \"jti\" claim");
  CHECK(refusal(with("jti", "")) == "claim \"jti\" is empty");
  CHECK(refusal(with("jti", 12)) == "claim \"jti\" is not a string");
  CHECK(refusal(with("jti", std::string(kMaxJtiLength + 1, 'a'))) == "claim \"jti\" is longer than 256 characters");
  ClaimChecks noJti = checks();
  noJti.requireJti = false;
  CHECK(refusal(without("jti"), noJti) == "ok");
}

TEST_CASE("ClaimsCheckTheSubjectWhenAsked") {
  ClaimChecks c = checks();
  c.subject = "host.example";
  CHECK(refusal(goodClaims(), c) == "ok");
  c.subject = "other.example";
  CHECK(refusal(goodClaims(), c) == "subject \"host.example\" is not \"other.example\"");
  CHECK(refusal(without("sub"), c) == "token has no \"sub\" claim");
}

TEST_CASE("ClaimsCapTheTokenLifetime") {
  ClaimChecks c = checks();
  c.maxLifetimeSeconds = 300;
  CHECK(refusal(goodClaims(), c) == "ok");  // nbf - 10 .. now + 290
  CHECK(refusal(with("exp", kNow + 3600), c) == "token lifetime of 3610s exceeds the limit of 300s (exp)");
}

TEST_CASE("ClaimsRefuseEmptyExpectations") {
  ClaimChecks c = checks();
  c.audiences.clear();
  Status st = checkClaims(goodClaims(), c);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::InvalidArgument);
  CHECK(refusal(Json::array()) == "token claims are not a JSON object");
}

TEST_CASE("NewJtiIs256RandomBitsAsHex") {
  CountingRandom counting;
  auto a = newJti(counting);
  REQUIRE(a.ok());
  CHECK(*a == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto x = newJti(systemRandom());
  auto y = newJti(systemRandom());
  REQUIRE(x.ok());
  REQUIRE(y.ok());
  CHECK(x->size() == 64);
  CHECK(*x != *y);
}
