// mintJwkToken writes exactly docs/protocol/tokens.md's format; RFC 3339 both ways.
#include <catch2/catch.hpp>

#include "ca/core/common/utc_time.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/service/provisioners/jwk_token.h"
#include "tests/unit/support/soft_keys.h"

using namespace sshca;
using namespace sshca::provisioners;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

JwkTokenRequest hostRequest() {
  JwkTokenRequest r;
  r.provisionerName = "hosts";
  r.caUrl = "https://ca.example.com:8443/";
  r.subject = "web1.example.com";
  r.certType = ssh::CertType::Host;
  r.principals = {"web1.example.com", "web1"};
  r.ttlSeconds = 600;
  r.now = 1800000000;
  return r;
}

bool isLowerHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }

}  // namespace

TEST_CASE("JwkTokenMatchesTokensMd", "[jwk]") {
  SignerPtr key = test::newP256Signer();
  JwkTokenRequest r = hostRequest();
  r.validBefore = 1800086400;
  r.rootFingerprint = std::string(64, 'f');
  auto token = mintJwkToken(r, *key, systemRandom());
  REQUIRE(token.ok());
  auto parts = jose::parseCompact(*token);
  REQUIRE(parts.ok());
  const std::vector<std::string> es256 = {"ES256"};
  REQUIRE(jose::verifyCompact(*parts, key->publicKey(), es256).ok());

  auto kid = jose::thumbprintSha256(key->publicKey());
  REQUIRE(kid.ok());
  CHECK(parts->header == Json{{"alg", "ES256"}, {"kid", *kid}, {"typ", "JWT"}});

  const Json& c = parts->payload;
  std::vector<std::string> keys;
  for (const auto& [k, v] : c.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"aud", "exp", "iat", "iss", "jti", "nbf", "sha", "step", "sub"});
  CHECK(c["iss"] == "hosts");
  CHECK(c["aud"] == "https://ca.example.com:8443/1.0/ssh/sign");
  CHECK(c["sub"] == "web1.example.com");
  CHECK(c["iat"] == 1800000000);
  CHECK(c["nbf"] == 1800000000);
  CHECK(c["exp"] == 1800000600);
  CHECK(c["sha"] == std::string(64, 'f'));
  std::string jti = c["jti"];
  CHECK(jti.size() == 64);
  CHECK(isLowerHex(jti));
  CHECK(c["step"] == Json{{"ssh",
                           {{"certType", "host"},
                            {"keyID", "web1.example.com"},
                            {"principals", {"web1.example.com", "web1"}},
                            {"validBefore", "2027-01-16T08:00:00Z"}}}});
}

TEST_CASE("JwkTokenEachMintHasItsOwnJti", "[jwk]") {
  SignerPtr key = test::newP256Signer();
  auto a = mintJwkToken(hostRequest(), *key, systemRandom());
  auto b = mintJwkToken(hostRequest(), *key, systemRandom());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(jose::parseCompact(*a)->payload["jti"] != jose::parseCompact(*b)->payload["jti"]);
  CHECK_FALSE(jose::parseCompact(*a)->payload.contains("sha"));
}

TEST_CASE("JwkTokenRefusesIncompleteRequests", "[jwk]") {
  SignerPtr key = test::newP256Signer();
  auto refused = [&](JwkTokenRequest r) {
    auto t = mintJwkToken(r, *key, systemRandom());
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().code == ErrorCode::InvalidArgument);
    return t.error().message;
  };
  JwkTokenRequest r = hostRequest();
  r.principals.clear();
  CHECK_THAT(refused(r), Contains("no principals"));
  r = hostRequest();
  r.principals.push_back("");
  CHECK_THAT(refused(r), Contains("principal is empty"));
  r = hostRequest();
  r.subject.clear();
  CHECK_THAT(refused(r), Contains("subject is empty"));
  r = hostRequest();
  r.ttlSeconds = 0;
  CHECK_THAT(refused(r), Contains("lifetime is zero"));
  r = hostRequest();
  r.provisionerName.clear();
  CHECK_THAT(refused(r), Contains("provisioner name"));
}

TEST_CASE("JwkTokenRfc3339", "[jwk]") {
  CHECK(parseRfc3339("1970-01-01T00:00:00Z").value() == 0);
  CHECK(parseRfc3339("2027-01-16T08:00:00Z").value() == 1800086400);
  CHECK(parseRfc3339("2027-01-16t08:00:00.123456789z").value() == 1800086400);
  CHECK(parseRfc3339("2027-01-16T10:00:00+02:00").value() == 1800086400);
  CHECK(parseRfc3339("2027-01-16T07:30:00-00:30").value() == 1800086400);
  CHECK(parseRfc3339("2024-02-29T00:00:00Z").ok());
  CHECK(formatUtc(1800086400) == "2027-01-16T08:00:00Z");
  // The parser is general; step.ssh times before 1970 are refused by the token reader.
  CHECK(parseRfc3339("1969-12-31T23:59:59Z").value() == -1);
  for (const char* bad :
       {"", "2027-01-16", "2027-01-16T08:00:00", "2027-01-16 08:00:00Z", "2023-02-29T00:00:00Z", "2027-13-01T00:00:00Z",
        "2027-01-16T24:00:00Z", "2027-01-16T08:00:00.Z", "2027-01-16T08:00:00+0200", "16h", "2027-01-16T08:00:00Zx"}) {
    INFO(bad);
    CHECK_FALSE(parseRfc3339(bad).ok());
  }
}
