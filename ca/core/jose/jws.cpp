#include "ca/core/jose/jws.h"

#include <algorithm>
#include <array>

#include "ca/core/jose/base64url_strict.h"
#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jws_algorithm.h"
#include "ca/core/keys/signature.h"

namespace sshca::jose {

namespace {

using Json = nlohmann::json;

constexpr size_t kParts = 3;

Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, "JWS: " + std::move(message)); }
Error refused(const Error& e) { return refused(e.message); }

// RFC 7515 §4.1.1: alg is a required, case-sensitive string.
Result<JwsAlgorithm> headerAlgorithm(const Json& header) {
  auto it = header.find("alg");
  if (it == header.end()) return refused("header has no \"alg\"");
  if (!it->is_string()) return refused("header \"alg\" is not a string");
  auto alg = parseJwsAlgorithm(it->get<std::string>());
  if (!alg.ok()) return refused(alg.error());
  return alg;
}

// Chooses the signing alg from the key and reconciles it with the header.
Result<Json> headerForSigning(const Json& header, const PublicKey& key) {
  if (!header.is_object()) return makeError(ErrorCode::InvalidArgument, "JWS header must be a JSON object");
  SSHCA_ASSIGN_OR_RETURN(JwsAlgorithm alg, jwsAlgorithmForKey(key));
  std::string name(jwsAlgorithmName(alg));
  auto it = header.find("alg");
  if (it != header.end() && !(it->is_string() && *it == name))
    return makeError(ErrorCode::InvalidArgument, "JWS header alg does not fit the " + keySpecName(key.spec()) +
                                                     " signing key (it signs " + name + ")");
  Json out = header;
  out["alg"] = name;
  return out;
}

Result<std::string> encodeJsonPart(const Json& value, std::string_view what) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, dumpJson(value, what));
  return base64UrlEncode(asBytes(text));
}

// Splits on '.', refusing anything but exactly three parts (§7.1).
Result<std::array<std::string_view, kParts>> splitParts(std::string_view token) {
  std::array<std::string_view, kParts> parts;
  size_t start = 0;
  for (size_t i = 0; i < kParts; ++i) {
    size_t dot = i + 1 < kParts ? token.find('.', start) : token.size();
    if (dot == std::string_view::npos) return refused("not a compact JWS (expected three '.'-separated parts)");
    parts[i] = token.substr(start, dot - start);
    start = dot + 1;
  }
  if (parts[2].find('.') != std::string_view::npos)
    return refused("not a compact JWS (more than three parts; JWE is not accepted)");
  return parts;
}

Result<Json> decodeJsonPart(std::string_view part, std::string_view what) {
  auto bytes = decodeBase64UrlStrict(part, what);
  if (!bytes.ok()) return refused(bytes.error());
  auto json = parseJsonObject(asString(*bytes), what);
  if (!json.ok()) return refused(json.error());
  return json;
}

Status checkAllowed(JwsAlgorithm alg, std::span<const std::string> allowedAlgs) {
  std::string_view name = jwsAlgorithmName(alg);
  if (std::find(allowedAlgs.begin(), allowedAlgs.end(), name) == allowedAlgs.end())
    return refused("alg \"" + std::string(name) + "\" is not allowed here");
  return okStatus();
}

}  // namespace

Result<std::string> signCompact(const Json& header, const Json& payload, const Signer& signer) {
  if (!payload.is_object()) return makeError(ErrorCode::InvalidArgument, "JWS payload must be a JSON object");
  const PublicKey& key = signer.publicKey();
  SSHCA_ASSIGN_OR_RETURN(Json fullHeader, headerForSigning(header, key));
  SSHCA_ASSIGN_OR_RETURN(JwsAlgorithm alg, jwsAlgorithmForKey(key));
  SSHCA_ASSIGN_OR_RETURN(std::string h, encodeJsonPart(fullHeader, "JWS header"));
  SSHCA_ASSIGN_OR_RETURN(std::string p, encodeJsonPart(payload, "JWS payload"));
  std::string token = h + "." + p;
  // The signer checks its own signature before returning it (ca/core/keys/signer.h).
  SSHCA_ASSIGN_OR_RETURN(Bytes sig, signer.sign(asBytes(token), jwsHash(alg)));
  token += "." + base64UrlEncode(sig);
  if (token.size() > kMaxCompactJwsBytes)
    return makeError(ErrorCode::InvalidArgument, "JWS would be " + std::to_string(token.size()) + " bytes, over the " +
                                                     std::to_string(kMaxCompactJwsBytes) +
                                                     "-byte limit verifiers enforce");
  return token;
}

Result<JwsParts> parseCompact(std::string_view token, PayloadForm form) {
  if (token.size() > kMaxCompactJwsBytes)
    return refused("token is larger than " + std::to_string(kMaxCompactJwsBytes) + " bytes");
  SSHCA_ASSIGN_OR_RETURN(auto parts, splitParts(token));
  JwsParts out;
  SSHCA_ASSIGN_OR_RETURN(out.header, decodeJsonPart(parts[0], "header"));
  auto payload = decodeBase64UrlStrict(parts[1], "payload");
  if (!payload.ok()) return refused(payload.error());
  out.payloadBytes = std::move(*payload);
  if (form == PayloadForm::JsonObject) {
    auto claims = parseJsonObject(asString(out.payloadBytes), "payload");
    if (!claims.ok()) return refused(claims.error());
    out.payload = std::move(*claims);
  }
  auto sig = decodeBase64UrlStrict(parts[2], "signature");
  if (!sig.ok()) return refused(sig.error());
  if (sig->empty()) return refused("signature is empty (an unsecured JWS is refused)");
  out.signature = std::move(*sig);
  out.signingInput = std::string(token.substr(0, parts[0].size() + 1 + parts[1].size()));
  return out;
}

Status verifyCompact(const JwsParts& parts, const PublicKey& key, std::span<const std::string> allowedAlgs) {
  SSHCA_ASSIGN_OR_RETURN(JwsAlgorithm alg, headerAlgorithm(parts.header));
  SSHCA_RETURN_IF_ERROR(checkAllowed(alg, allowedAlgs));
  auto fits = checkAlgorithmFitsKey(alg, key);
  if (!fits.ok()) return refused(fits.error());
  // §4.1.11: a recipient that does not understand a critical extension
  // MUST reject the JWS; sshca understands none.
  if (parts.header.contains("crit")) return refused("header has \"crit\" extensions, which sshca does not support");
  size_t want = jwsSignatureLength(alg, key);
  if (parts.signature.size() != want)
    return refused("signature is " + std::to_string(parts.signature.size()) + " bytes, " +
                   std::string(jwsAlgorithmName(alg)) + " with this key makes " + std::to_string(want));
  if (!verifyRawSignature(key, asBytes(parts.signingInput), jwsHash(alg), parts.signature).ok())
    return refused("signature does not verify with the " + keySpecName(key.spec()) + " key");
  return okStatus();
}

Result<VerifiedJws> parseAndVerifyCompact(std::string_view token, const PublicKey& key,
                                          std::span<const std::string> allowedAlgs) {
  SSHCA_ASSIGN_OR_RETURN(JwsParts parts, parseCompact(token));
  SSHCA_RETURN_IF_ERROR(verifyCompact(parts, key, allowedAlgs));
  return VerifiedJws{std::move(parts.header), std::move(parts.payload)};
}

}  // namespace sshca::jose
