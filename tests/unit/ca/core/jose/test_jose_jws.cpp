#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jws.h"
#include "ca/core/kms/soft/soft_signer.h"

using namespace sshca;
using namespace sshca::jose;
using Json = nlohmann::json;

namespace {

SignerPtr generateSigner(const char* type, const char* curve) {
  ossl::EvpPkey key(curve ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve)
                          : EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<size_t>(2048)));
  REQUIRE(key);
  auto signer = softSignerFromEvp(std::move(key));
  REQUIRE(signer.ok());
  return *signer;
}

SignerPtr p256() { return generateSigner("EC", "P-256"); }
SignerPtr rsa2048() { return generateSigner("RSA", nullptr); }

const std::vector<std::string> kAllAlgs = {"ES256", "ES384", "ES512", "RS256", "EdDSA"};

const Json kClaims = {{"iss", "sshca-jwk"}, {"aud", "https://ca.example/1.0/ssh/sign"}, {"exp", 1900000000}};

std::string b64(std::string_view s) { return base64UrlEncode(asBytes(s)); }

// Assembles a compact JWS from parts, for tokens our signer would never make.
std::string craft(const Json& header, const Json& payload, std::span<const uint8_t> sig) {
  return b64(header.dump()) + "." + b64(payload.dump()) + "." + base64UrlEncode(sig);
}

std::string signedToken(const Signer& s, const Json& header = Json::object(), const Json& payload = kClaims) {
  auto token = signCompact(header, payload, s);
  REQUIRE(token.ok());
  return *token;
}

std::string verifyError(std::string_view token, const PublicKey& key, const std::vector<std::string>& algs = kAllAlgs) {
  auto parts = parseCompact(token);
  if (!parts.ok()) return parts.error().message;
  auto st = verifyCompact(*parts, key, algs);
  if (st.ok()) return "verified";
  CHECK(st.error().code == ErrorCode::Unauthenticated);
  return st.error().message;
}

std::string parseError(std::string_view token) {
  auto parts = parseCompact(token);
  if (parts.ok()) return "parsed";
  CHECK(parts.error().code == ErrorCode::Unauthenticated);
  return parts.error().message;
}

PublicKey keyFromJwk(const Json& jwk) {
  auto k = parseJwk(jwk);
  REQUIRE(k.ok());
  return k->key;
}

}  // namespace

TEST_CASE("JwsSignsAndVerifiesWithEveryKeyType") {
  struct Case {
    const char* type;
    const char* curve;
    const char* alg;
  };
  for (auto c : {Case{"EC", "P-256", "ES256"}, Case{"EC", "P-384", "ES384"}, Case{"EC", "P-521", "ES512"},
                 Case{"RSA", nullptr, "RS256"}, Case{"ED25519", nullptr, "EdDSA"}}) {
    INFO(c.alg);
    SignerPtr s = generateSigner(c.type, c.curve);
    std::string token = signedToken(*s, Json{{"typ", "JWT"}, {"kid", "k1"}});
    std::vector<std::string> onlyThis = {c.alg};
    auto v = parseAndVerifyCompact(token, s->publicKey(), onlyThis);
    REQUIRE(v.ok());
    CHECK(v->header == Json{{"alg", c.alg}, {"typ", "JWT"}, {"kid", "k1"}});
    CHECK(v->payload == kClaims);
  }
}

TEST_CASE("JwsSignKeepsAMatchingAlgAndRefusesAnotherOne") {
  SignerPtr s = p256();
  CHECK(parseAndVerifyCompact(signedToken(*s, Json{{"alg", "ES256"}}), s->publicKey(), kAllAlgs).ok());
  auto wrong = signCompact(Json{{"alg", "ES384"}}, kClaims, *s);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::InvalidArgument);
  CHECK(wrong.error().message == "JWS header alg does not fit the ecdsa-p256 signing key (it signs ES256)");
  CHECK(signCompact(kClaims, Json::array(), *s).error().message == "JWS payload must be a JSON object");
  CHECK(signCompact(Json("x"), kClaims, *s).error().message == "JWS header must be a JSON object");
}

TEST_CASE("JwsVerifiesRfc7515AppendixA3Es256Example") {
  const std::string token =
      "eyJhbGciOiJFUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  PublicKey key = keyFromJwk({{"kty", "EC"},
                              {"crv", "P-256"},
                              {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"},
                              {"y", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}});
  std::vector<std::string> es256 = {"ES256"};
  auto v = parseAndVerifyCompact(token, key, es256);
  REQUIRE(v.ok());
  CHECK(v->payload["iss"] == "joe");
  CHECK(v->payload["exp"] == 1300819380);
  CHECK(v->payload["http://example.com/is_root"] == true);
}

TEST_CASE("JwsVerifiesRfc8037AppendixA4Ed25519Example") {
  const std::string token =
      "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
  PublicKey key =
      keyFromJwk({{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
  // The payload is text, not a JWT: parsed opaque.
  CHECK(parseError(token) == "JWS: payload is not valid JSON");
  auto parts = parseCompact(token, PayloadForm::Opaque);
  REQUIRE(parts.ok());
  CHECK(asString(parts->payloadBytes) == "Example of Ed25519 signing");
  std::vector<std::string> eddsa = {"EdDSA"};
  CHECK(verifyCompact(*parts, key, eddsa).ok());
}

TEST_CASE("JwsRefusesASignatureFromAnotherKey") {
  SignerPtr s = p256();
  SignerPtr forger = p256();
  CHECK(verifyError(signedToken(*forger), s->publicKey()) == "JWS: signature does not verify with the ecdsa-p256 key");
}

TEST_CASE("JwsRefusesAFlippedPayloadBit") {
  SignerPtr s = rsa2048();
  std::string token = signedToken(*s);
  auto parts = parseCompact(token);
  REQUIRE(parts.ok());
  std::string payload(asString(parts->payloadBytes));
  payload[payload.find("sshca-jwk")] ^= 0x01;  // "rshca-jwk"
  size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string tampered = token.substr(0, dot1 + 1) + b64(payload) + token.substr(dot2);
  CHECK(verifyError(tampered, s->publicKey()) == "JWS: signature does not verify with the rsa-2048 key");
  CHECK(verifyError(token, s->publicKey()) == "verified");
}

TEST_CASE("JwsRefusesAlgNone") {
  SignerPtr s = p256();
  Bytes junk(64, 1);
  CHECK(verifyError(craft({{"alg", "none"}}, kClaims, junk), s->publicKey()) ==
        "JWS: alg \"none\" (an unsecured JWS, RFC 7518 §3.6) is refused");
  // The unsecured form proper has an empty third part.
  CHECK(parseError(b64(R"({"alg":"none"})") + "." + b64(kClaims.dump()) + ".") ==
        "JWS: signature is empty (an unsecured JWS is refused)");
  // Even when a careless caller puts it in the allow-list.
  std::vector<std::string> withNone = {"none", "ES256"};
  CHECK(verifyError(craft({{"alg", "none"}}, kClaims, junk), s->publicKey(), withNone) ==
        "JWS: alg \"none\" (an unsecured JWS, RFC 7518 §3.6) is refused");
}

TEST_CASE("JwsRefusesHs256WithThePublicKeyAsSecret") {
  SignerPtr s = rsa2048();
  Bytes secret = s->publicKey().spkiDer();
  std::string input = b64(R"({"alg":"HS256","typ":"JWT"})") + "." + b64(kClaims.dump());
  Bytes mac(EVP_MAX_MD_SIZE);
  size_t macLen = 0;
  REQUIRE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
                    reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), mac.size(),
                    &macLen) != nullptr);
  mac.resize(macLen);
  std::vector<std::string> withHs = {"HS256", "RS256"};
  CHECK(verifyError(input + "." + base64UrlEncode(mac), s->publicKey(), withHs) ==
        "JWS: alg \"HS256\" (HMAC, a shared secret) is refused: only public-key algorithms");
}

TEST_CASE("JwsRefusesAnAlgThatDoesNotFitTheKey") {
  SignerPtr rsa = rsa2048();
  Bytes sig64(64, 7);
  CHECK(verifyError(craft({{"alg", "ES256"}}, kClaims, sig64), rsa->publicKey()) ==
        "JWS: alg \"ES256\" does not fit the rsa-2048 key (expected \"RS256\")");
  SignerPtr p384 = generateSigner("EC", "P-384");
  CHECK(verifyError(craft({{"alg", "ES256"}}, kClaims, sig64), p384->publicKey()) ==
        "JWS: alg \"ES256\" does not fit the ecdsa-p384 key (expected \"ES384\")");
  SignerPtr ec = p256();
  CHECK(verifyError(signedToken(*rsa), ec->publicKey()) ==
        "JWS: alg \"RS256\" does not fit the ecdsa-p256 key (expected \"ES256\")");
}

TEST_CASE("JwsRefusesAnAlgOutsideTheAllowList") {
  SignerPtr s = p256();
  std::vector<std::string> rsOnly = {"RS256"};
  CHECK(verifyError(signedToken(*s), s->publicKey(), rsOnly) == "JWS: alg \"ES256\" is not allowed here");
  CHECK(verifyError(signedToken(*s), s->publicKey(), {}) == "JWS: alg \"ES256\" is not allowed here");
  CHECK(verifyError(craft({{"alg", "PS256"}}, kClaims, Bytes(64, 1)), s->publicKey()) ==
        "JWS: alg \"PS256\" is not supported (expected ES256, ES384, ES512, RS256 or EdDSA)");
  CHECK(verifyError(craft({{"typ", "JWT"}}, kClaims, Bytes(64, 1)), s->publicKey()) == "JWS: header has no \"alg\"");
  CHECK(verifyError(craft({{"alg", 256}}, kClaims, Bytes(64, 1)), s->publicKey()) ==
        "JWS: header \"alg\" is not a string");
}

TEST_CASE("JwsRefusesCriticalHeaderExtensions") {
  SignerPtr s = p256();
  std::string token = signedToken(*s, Json{{"crit", {"exp"}}, {"exp", 1900000000}});
  CHECK(verifyError(token, s->publicKey()) == "JWS: header has \"crit\" extensions, which sshca does not support");
}

TEST_CASE("JwsRefusesSignaturesOfTheWrongLength") {
  SignerPtr s = p256();
  std::string token = signedToken(*s);
  auto parts = parseCompact(token);
  REQUIRE(parts.ok());
  Bytes longer = parts->signature;
  longer.push_back(0);
  std::string padded = token.substr(0, token.rfind('.') + 1) + base64UrlEncode(longer);
  CHECK(verifyError(padded, s->publicKey()) == "JWS: signature is 65 bytes, ES256 with this key makes 64");
  // Length is checked before any crypto runs, for every alg.
  SignerPtr ed = generateSigner("ED25519", nullptr);
  CHECK(verifyError(craft({{"alg", "EdDSA"}}, kClaims, Bytes(63, 1)), ed->publicKey()) ==
        "JWS: signature is 63 bytes, EdDSA with this key makes 64");
}

TEST_CASE("JwsParseRefusesMalformedTokens") {
  SignerPtr s = p256();
  std::string token = signedToken(*s);
  size_t dot1 = token.find('.');
  CHECK(parseError(token) == "parsed");
  CHECK(parseError(token.substr(0, token.rfind('.'))) == "JWS: not a compact JWS (expected three '.'-separated parts)");
  CHECK(parseError(token + ".e30") == "JWS: not a compact JWS (more than three parts; JWE is not accepted)");
  CHECK(parseError("e30=." + token.substr(dot1 + 1)) == "JWS: header is not canonical base64url");
  CHECK(parseError("e31." + token.substr(dot1 + 1)) == "JWS: header is not canonical base64url");
  CHECK(parseError(b64("[1]") + token.substr(dot1)) == "JWS: header is not a JSON object");
  CHECK(parseError(b64(R"({"alg":"ES256","alg":"none"})") + token.substr(dot1)) == "JWS: header repeats a member name");
  CHECK(parseError(b64("{\"alg\":") + token.substr(dot1)) == "JWS: header is not valid JSON");
  std::string big(kMaxCompactJwsBytes + 1, 'A');
  CHECK(parseError(big) == "JWS: token is larger than 16384 bytes");
  std::string dupClaims = b64(R"({"alg":"ES256"})") + "." + b64(R"({"aud":"a","aud":"b"})") + ".AAAA";
  CHECK(parseError(dupClaims) == "JWS: payload repeats a member name");
}

TEST_CASE("JwsSignRefusesTokensOverTheSizeLimit") {
  SignerPtr s = p256();
  Json claims = kClaims;
  claims["pad"] = std::string(kMaxCompactJwsBytes, 'x');
  auto r = signCompact(Json::object(), claims, *s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
}
