// libFuzzer target: the first code an anonymous request reaches. Compact
// JWS parsing (RFC 7515 §7.1: three parts, strict base64url, a header that
// is a JSON object with unique names) and the JWT claims check (RFC 7519
// §4.1) on whatever parsed. Properties: a parsed token's signing input is
// its first two parts as received; the claims check never accepts a
// payload without the expected issuer and audience.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/common/utc_time.cpp
// fuzz-sources: ca/core/jose/base64url_strict.cpp ca/core/jose/json_object.cpp ca/core/jose/jws.cpp
// fuzz-sources: ca/core/jose/jws_algorithm.cpp ca/core/jose/jwt_claims.cpp ca/core/jose/audience_url.cpp
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ca/core/jose/jws.h"
#include "ca/core/jose/jwt_claims.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  for (auto form : {sshca::jose::PayloadForm::JsonObject, sshca::jose::PayloadForm::Opaque}) {
    auto parts = sshca::jose::parseCompact(token, form);
    if (!parts.ok()) continue;
    if (!token.starts_with(parts->signingInput)) std::abort();
    if (form != sshca::jose::PayloadForm::JsonObject) continue;
    sshca::jose::ClaimChecks checks{
        .issuer = "fuzz-issuer", .audiences = {"https://ca.example/1.0/ssh/sign"}, .now = 1700000000};
    auto st = sshca::jose::checkClaims(parts->payload, checks);
    if (st.ok() && (parts->payload.value("iss", "") != "fuzz-issuer")) std::abort();
  }
  return 0;
}
