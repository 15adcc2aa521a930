#include "ca/core/jose/flattened_jws.h"

#include <string>

#include "ca/core/jose/base64url_strict.h"
#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"

namespace sshca::jose {
namespace {

Error malformed(const std::string& why) { return makeError(ErrorCode::InvalidFormat, "ACME JWS: " + why); }

Result<std::string> member(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return malformed(std::string("\"") + name + "\" must be a string");
  return it->get<std::string>();
}

}  // namespace

Result<JwsParts> parseFlattened(std::string_view body) {
  if (body.size() > kMaxFlattenedJwsBytes) return malformed("body too large");
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json outer, parseJsonObject(body, "ACME request body"));
  for (const auto& [key, value] : outer.items()) {
    if (key != "protected" && key != "payload" && key != "signature")
      return malformed("unexpected member \"" + key + "\" (only protected, payload, signature)");
  }
  SSHCA_ASSIGN_OR_RETURN(std::string protectedB64, member(outer, "protected"));
  SSHCA_ASSIGN_OR_RETURN(std::string payloadB64, member(outer, "payload"));
  SSHCA_ASSIGN_OR_RETURN(std::string signatureB64, member(outer, "signature"));
  JwsParts parts;
  SSHCA_ASSIGN_OR_RETURN(Bytes headerBytes, decodeBase64UrlStrict(protectedB64, "JWS protected header"));
  SSHCA_ASSIGN_OR_RETURN(parts.header, parseJsonObject(asString(headerBytes), "JWS protected header"));
  SSHCA_ASSIGN_OR_RETURN(parts.payloadBytes, decodeBase64UrlStrict(payloadB64, "JWS payload"));
  if (!parts.payloadBytes.empty()) {
    SSHCA_ASSIGN_OR_RETURN(parts.payload, parseJsonObject(asString(parts.payloadBytes), "JWS payload"));
  }
  SSHCA_ASSIGN_OR_RETURN(parts.signature, decodeBase64UrlStrict(signatureB64, "JWS signature"));
  if (parts.signature.empty()) return malformed("empty signature");
  parts.signingInput = protectedB64 + "." + payloadB64;
  return parts;
}

Result<std::string> thumbprintOfJwk(const nlohmann::json& jwk) {
  SSHCA_ASSIGN_OR_RETURN(Jwk parsed, parseJwk(jwk));
  return thumbprintSha256(parsed.key);
}

}  // namespace sshca::jose
