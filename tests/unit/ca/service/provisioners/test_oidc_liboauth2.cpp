// JwksVerifier: the keys of a JWKS document the provisioner fetched
// (bounded, idp_http_get.h) verify ID tokens through liboauth2; keys it
// cannot use are left out without hiding the others.
#include <catch2/catch.hpp>

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jws.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/service/provisioners/oidc_liboauth2.h"
#include "tests/unit/support/soft_keys.h"

using namespace sshca;
using namespace sshca::provisioners;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

Json jwkOf(const Signer& key, const std::string& kid) {
  auto jwk = jose::publicJwkOf(key.publicKey());
  REQUIRE(jwk.ok());
  Json j = *jwk;
  j["kid"] = kid;
  return j;
}

std::string idToken(const Signer& key, const std::string& kid) {
  auto token = jose::signCompact(Json{{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid}},
                                 Json{{"iss", "https://idp.example.com"}, {"sub", "alice"}, {"aud", "sshca"}}, key);
  REQUIRE(token.ok());
  return *token;
}

}  // namespace

TEST_CASE("JwksVerifierChecksTokensWithTheDocumentsKeys", "[oidc]") {
  SignerPtr idp = test::newP256Signer(), other = test::newP256Signer();
  // An unknown key type and an encryption key first: neither hides the
  // signing key after them.
  Json jwks{{"keys", {Json{{"kty", "XYZ"}, {"kid", "odd"}}, jwkOf(*other, "enc"), jwkOf(*idp, "k1")}}};
  jwks["keys"][1]["use"] = "enc";
  auto verifier = JwksVerifier::create(jwks.dump(), "https://idp.example.com/jwks");
  REQUIRE(verifier.ok());
  CHECK((*verifier)->verify(idToken(*idp, "k1")).ok());
  auto forged = (*verifier)->verify(idToken(*other, "k1"));
  REQUIRE_FALSE(forged.ok());
  CHECK(forged.error().code == ErrorCode::Unauthenticated);
  // The encryption key is not used for signatures.
  CHECK_FALSE((*verifier)->verify(idToken(*other, "enc")).ok());
}

TEST_CASE("JwksVerifierRefusesADocumentWithoutUsableKeys", "[oidc]") {
  SignerPtr key = test::newP256Signer();
  Json encOnly{{"keys", {jwkOf(*key, "e")}}};
  encOnly["keys"][0]["use"] = "enc";
  for (const std::string& doc : {std::string("not json"), std::string("{\"keys\": 5}"), std::string("{}"),
                                 std::string("{\"keys\": []}"), encOnly.dump()}) {
    auto verifier = JwksVerifier::create(doc, "https://idp.example.com/jwks");
    REQUIRE_FALSE(verifier.ok());
    CHECK(verifier.error().code == ErrorCode::Unavailable);
    CHECK_THAT(verifier.error().message, Contains("https://idp.example.com/jwks"));
  }
}
