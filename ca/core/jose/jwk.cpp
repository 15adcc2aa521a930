#include "ca/core/jose/jwk.h"

#include <array>
#include <string_view>

#include "ca/core/jose/base64url_strict.h"

namespace sshca::jose {

namespace {

using Json = nlohmann::json;

// RFC 7517 §4 and RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2 ("d").
constexpr std::array<std::string_view, 8> kPrivateMembers = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"};
// Larger moduli than any CA or host would use; bounds the work a JWK costs.
constexpr size_t kMaxRsaModulusBytes = 16384 / 8;
constexpr size_t kMaxRsaExponentBytes = 8;

Error badJwk(std::string message) { return makeError(ErrorCode::InvalidFormat, "JWK: " + std::move(message)); }

Result<std::string> stringMember(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return badJwk(std::string("missing \"") + name + "\"");
  if (!it->is_string()) return badJwk(std::string("\"") + name + "\" is not a string");
  return it->get<std::string>();
}

Result<std::optional<std::string>> optionalStringMember(const Json& jwk, const char* name) {
  if (!jwk.contains(name)) return std::optional<std::string>{};
  SSHCA_ASSIGN_OR_RETURN(std::string v, stringMember(jwk, name));
  return std::optional<std::string>(std::move(v));
}

Result<Bytes> bytesMember(const Json& jwk, const char* name) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, stringMember(jwk, name));
  auto bytes = decodeBase64UrlStrict(text, std::string("\"") + name + "\"");
  if (!bytes.ok()) return badJwk(bytes.error().message);
  return bytes;
}

Status refusePrivateMembers(const Json& jwk) {
  for (std::string_view m : kPrivateMembers)
    if (jwk.contains(m))
      return makeError(ErrorCode::InvalidArgument,
                       "JWK holds the private member \"" + std::string(m) + "\": give the public key only");
  return okStatus();
}

Result<KeyAlgorithm> ecCurve(std::string_view crv) {
  if (crv == "P-256") return KeyAlgorithm::EcdsaP256;
  if (crv == "P-384") return KeyAlgorithm::EcdsaP384;
  if (crv == "P-521") return KeyAlgorithm::EcdsaP521;
  return makeError(ErrorCode::Unsupported, "JWK: EC curve \"" + std::string(crv) + "\" is not supported");
}

const char* ecCurveName(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::EcdsaP256:
      return "P-256";
    case KeyAlgorithm::EcdsaP384:
      return "P-384";
    case KeyAlgorithm::EcdsaP521:
      return "P-521";
    default:
      return nullptr;
  }
}

// RFC 7518 §6.2.1.2/§6.2.1.3: x and y are each exactly the field size.
Result<PublicKey> parseEc(const Json& jwk) {
  SSHCA_ASSIGN_OR_RETURN(std::string crv, stringMember(jwk, "crv"));
  SSHCA_ASSIGN_OR_RETURN(KeyAlgorithm curve, ecCurve(crv));
  SSHCA_ASSIGN_OR_RETURN(Bytes x, bytesMember(jwk, "x"));
  SSHCA_ASSIGN_OR_RETURN(Bytes y, bytesMember(jwk, "y"));
  size_t field = ecdsaFieldBytes(curve);
  if (x.size() != field || y.size() != field)
    return badJwk("EC coordinates must be " + std::to_string(field) + " bytes for " + crv);
  Bytes point{0x04};
  point.insert(point.end(), x.begin(), x.end());
  point.insert(point.end(), y.begin(), y.end());
  auto key = publicKeyFromEcPoint(curve, point);
  if (!key.ok()) return badJwk("EC point is not on " + crv);
  return key;
}

Result<PublicKey> parseRsa(const Json& jwk) {
  SSHCA_ASSIGN_OR_RETURN(Bytes n, bytesMember(jwk, "n"));
  SSHCA_ASSIGN_OR_RETURN(Bytes e, bytesMember(jwk, "e"));
  if (n.empty() || e.empty() || n.size() > kMaxRsaModulusBytes || e.size() > kMaxRsaExponentBytes)
    return badJwk("RSA modulus or exponent has an unreasonable size");
  return publicKeyFromRsa(n, e);
}

// RFC 8037 §2: kty "OKP", crv "Ed25519", x the 32-byte public key.
Result<PublicKey> parseOkp(const Json& jwk) {
  SSHCA_ASSIGN_OR_RETURN(std::string crv, stringMember(jwk, "crv"));
  if (crv != "Ed25519") return makeError(ErrorCode::Unsupported, "JWK: OKP curve \"" + crv + "\" is not supported");
  SSHCA_ASSIGN_OR_RETURN(Bytes x, bytesMember(jwk, "x"));
  if (x.size() != 32) return badJwk("Ed25519 \"x\" must be 32 bytes");
  return publicKeyFromEd25519(x);
}

Result<PublicKey> parseKeyMembers(const Json& jwk) {
  SSHCA_ASSIGN_OR_RETURN(std::string kty, stringMember(jwk, "kty"));
  if (kty == "EC") return parseEc(jwk);
  if (kty == "RSA") return parseRsa(jwk);
  if (kty == "OKP") return parseOkp(jwk);
  return makeError(ErrorCode::Unsupported, "JWK: key type \"" + kty + "\" is not supported (EC, RSA or OKP)");
}

Result<Json> ecJwk(const PublicKey& key) {
  SSHCA_ASSIGN_OR_RETURN(Bytes point, ecPointOf(key));
  size_t field = ecdsaFieldBytes(key.algorithm());
  std::span<const uint8_t> p(point);
  return Json{{"kty", "EC"},
              {"crv", ecCurveName(key.algorithm())},
              {"x", base64UrlEncode(p.subspan(1, field))},
              {"y", base64UrlEncode(p.subspan(1 + field, field))}};
}

Result<Json> rsaJwk(const PublicKey& key) {
  SSHCA_ASSIGN_OR_RETURN(Bytes n, rsaModulusOf(key));
  SSHCA_ASSIGN_OR_RETURN(Bytes e, rsaExponentOf(key));
  return Json{{"kty", "RSA"}, {"n", base64UrlEncode(n)}, {"e", base64UrlEncode(e)}};
}

Result<Json> okpJwk(const PublicKey& key) {
  SSHCA_ASSIGN_OR_RETURN(Bytes x, ed25519RawOf(key));
  return Json{{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64UrlEncode(x)}};
}

}  // namespace

Result<Jwk> parseJwk(const Json& jwk) {
  if (!jwk.is_object()) return badJwk("not a JSON object");
  SSHCA_RETURN_IF_ERROR(refusePrivateMembers(jwk));
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, parseKeyMembers(jwk));
  SSHCA_ASSIGN_OR_RETURN(auto kid, optionalStringMember(jwk, "kid"));
  SSHCA_ASSIGN_OR_RETURN(auto alg, optionalStringMember(jwk, "alg"));
  SSHCA_ASSIGN_OR_RETURN(auto use, optionalStringMember(jwk, "use"));
  if (use && *use != "sig") return badJwk("\"use\" is \"" + *use + "\", not \"sig\"");
  return Jwk{std::move(key), std::move(kid), std::move(alg), std::move(use)};
}

Result<Json> publicJwkOf(const PublicKey& key) {
  switch (key.algorithm()) {
    case KeyAlgorithm::EcdsaP256:
    case KeyAlgorithm::EcdsaP384:
    case KeyAlgorithm::EcdsaP521:
      return ecJwk(key);
    case KeyAlgorithm::Rsa:
      return rsaJwk(key);
    case KeyAlgorithm::Ed25519:
      return okpJwk(key);
  }
  return makeError(ErrorCode::Unsupported, "no JWK form for this key type");
}

}  // namespace sshca::jose
