#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_set.h"
#include "ca/core/jose/jwk_thumbprint.h"

using namespace sshca;
using namespace sshca::jose;
using Json = nlohmann::json;

namespace {

PublicKey generatePublic(const char* type, const char* curve) {
  ossl::EvpPkey key(curve ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<size_t>(2048)));
  REQUIRE(key);
  auto pub = PublicKey::fromEvp(key.get());
  REQUIRE(pub.ok());
  return *pub;
}

// RFC 7638 §3.1.
const Json kRfc7638Rsa = {
    {"kty", "RSA"},
    {"n",
     "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjB"
     "ZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8"
     "KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_"
     "xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
    {"e", "AQAB"},
    {"alg", "RS256"},
    {"kid", "2011-04-29"}};

// RFC 7515 Appendix A.3 (public part).
const Json kRfc7515Ec = {{"kty", "EC"},
                         {"crv", "P-256"},
                         {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                         {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}};

}  // namespace

TEST_CASE("JwkRoundTripsEveryKeyType") {
  std::vector<PublicKey> keys = {generatePublic("EC", "P-256"), generatePublic("EC", "P-384"),
                                 generatePublic("EC", "P-521"), generatePublic("RSA", nullptr),
                                 generatePublic("ED25519", nullptr)};
  for (const PublicKey& key : keys) {
    auto jwk = publicJwkOf(key);
    REQUIRE(jwk.ok());
    CHECK_FALSE(jwk->contains("d"));
    auto back = parseJwk(*jwk);
    REQUIRE(back.ok());
    CHECK(back->key == key);
  }
}

TEST_CASE("JwkThumbprintMatchesRfc7638Example") {
  auto jwk = parseJwk(kRfc7638Rsa);
  REQUIRE(jwk.ok());
  CHECK(jwk->kid == "2011-04-29");
  CHECK(jwk->alg == "RS256");
  auto tp = thumbprintSha256(jwk->key);
  REQUIRE(tp.ok());
  CHECK(*tp == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST_CASE("JwkThumbprintMatchesRfc8037Ed25519Example") {
  // RFC 8037 Appendix A.3.
  auto jwk = parseJwk(Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
  REQUIRE(jwk.ok());
  CHECK(*thumbprintSha256(jwk->key) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST_CASE("JwkRefusesPrivateMembers") {
  Json priv = kRfc7515Ec;
  priv["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  auto r = parseJwk(priv);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
  CHECK(r.error().message == "JWK holds the private member \"d\": give the public key only");
}

TEST_CASE("JwkRefusesMalformedKeys") {
  Json shortX = kRfc7515Ec;
  shortX["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvR";  // 30 bytes
  CHECK(parseJwk(shortX).error().message == "JWK: EC coordinates must be 32 bytes for P-256");

  Json offCurve = kRfc7515Ec;
  offCurve["y"] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1";  // wrong last bit pair: not canonical
  CHECK(parseJwk(offCurve).error().message == "JWK: \"y\" is not canonical base64url");
  offCurve["y"] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5aw";
  CHECK(parseJwk(offCurve).error().message == "JWK: EC point is not on P-256");

  Json wrongCurve = kRfc7515Ec;
  wrongCurve["crv"] = "secp256k1";
  CHECK(parseJwk(wrongCurve).error().code == ErrorCode::Unsupported);
  CHECK(parseJwk(Json{{"kty", "oct"}}).error().code == ErrorCode::Unsupported);
  CHECK(parseJwk(Json{{"kty", "EC"}, {"crv", "P-256"}}).error().message == "JWK: missing \"x\"");
  CHECK(parseJwk(Json{{"kty", 1}}).error().message == "JWK: \"kty\" is not a string");
  CHECK(parseJwk(Json::array()).error().code == ErrorCode::InvalidFormat);
  Json encryption = kRfc7515Ec;
  encryption["use"] = "enc";
  CHECK(parseJwk(encryption).error().message == "JWK: \"use\" is \"enc\", not \"sig\"");
}

TEST_CASE("JwkSetFindsKeysByKidAndSkipsUnusableOnes") {
  Json rsa = kRfc7638Rsa;
  Json ec = kRfc7515Ec;
  ec["kid"] = "ec-1";
  Json enc = kRfc7515Ec;
  enc["use"] = "enc";
  enc["kid"] = "enc-1";
  Json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}};
  Json x25519 = {{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AA"}};
  Json set = {{"keys", {rsa, ec, enc, oct, x25519}}};
  auto s = JwkSet::parse(set);
  REQUIRE(s.ok());
  CHECK(s->keys().size() == 2);
  CHECK(s->find("ec-1")->key == parseJwk(kRfc7515Ec)->key);
  CHECK(s->find("2011-04-29").ok());
  CHECK(s->find("enc-1").error().code == ErrorCode::NotFound);
  CHECK(s->find("nope").error().message == "no key with kid \"nope\" in the JWK Set");
}

TEST_CASE("JwkSetRefusesDuplicateKidsPrivateKeysAndJunk") {
  Json ec = kRfc7515Ec;
  ec["kid"] = "k";
  CHECK(JwkSet::parse(Json{{"keys", {ec, ec}}}).error().message == "JWK Set: kid \"k\" appears twice");
  Json priv = ec;
  priv["d"] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
  CHECK(JwkSet::parse(Json{{"keys", {priv}}}).error().code == ErrorCode::InvalidArgument);
  CHECK(JwkSet::parse(Json{{"nokeys", 1}}).error().message == "JWK Set has no \"keys\" array");
  CHECK(JwkSet::parseText("{\"keys\": [").error().message == "JWK Set is not valid JSON");
  CHECK(JwkSet::parseText("{\"keys\": [], \"keys\": []}").error().message == "JWK Set repeats a member name");
  auto ok = JwkSet::parseText(std::string("{\"keys\":[") + kRfc7638Rsa.dump() + "]}");
  REQUIRE(ok.ok());
  CHECK(ok->keys().size() == 1);
}
