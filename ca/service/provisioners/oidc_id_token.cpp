#include "ca/service/provisioners/oidc_id_token.h"

#include <algorithm>

#include <openssl/evp.h>

#include "ca/core/common/bytes.h"
#include "ca/core/jose/jwt_claims.h"

namespace sshca::provisioners {
namespace {

using Json = nlohmann::json;

Error refused(std::string why) { return makeError(ErrorCode::Unauthenticated, std::move(why)); }

std::string sha256Hex(const std::string& s) {
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr);
  return toHex(std::span<const uint8_t>(md, len));
}

std::string optionalString(const Json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::vector<std::string>> groupsOf(const Json& payload) {
  std::vector<std::string> out;
  auto it = payload.find("groups");
  if (it == payload.end() || it->is_null()) return out;
  if (!it->is_array()) return refused("the ID token's \"groups\" claim is not a list of strings");
  for (const auto& g : *it) {
    if (!g.is_string()) return refused("the ID token's \"groups\" claim is not a list of strings");
    out.push_back(g.get<std::string>());
  }
  return out;
}

// email_verified is a boolean in OIDC Core; some providers send "true".
bool emailVerified(const Json& payload) {
  auto it = payload.find("email_verified");
  if (it == payload.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && it->get_ref<const std::string&>() == "true";
}

Status checkAzpAndNonce(const Json& payload, const IdTokenChecks& checks) {
  if (auto azp = payload.find("azp"); azp != payload.end()) {
    if (!azp->is_string() || azp->get_ref<const std::string&>() != checks.clientId)
      return refused("the ID token's authorized party (azp) is not this provisioner's client");
  }
  if (checks.nonce) {
    auto nonce = payload.find("nonce");
    if (nonce == payload.end() || !nonce->is_string() || nonce->get_ref<const std::string&>() != *checks.nonce)
      return refused("the ID token's nonce is not the one the client sent");
  }
  return okStatus();
}

}  // namespace

std::string compactOf(const jose::JwsParts& token) {
  return token.signingInput + "." + base64UrlEncode(token.signature);
}

Status checkIdTokenHeader(const jose::JwsParts& token, const IdTokenChecks& checks) {
  auto alg = token.header.find("alg");
  if (alg == token.header.end() || !alg->is_string()) return refused("the ID token header has no \"alg\"");
  const auto& name = alg->get_ref<const std::string&>();
  if (std::find(checks.algorithms.begin(), checks.algorithms.end(), name) == checks.algorithms.end())
    return refused("the ID token's algorithm \"" + name.substr(0, 16) +
                   "\" is not accepted (asymmetric algorithms only, never none or HS*)");
  if (token.header.contains("crit")) return refused("the ID token header has \"crit\" (no extension is understood)");
  return okStatus();
}

Result<policy::Identity> identityFromIdToken(const jose::JwsParts& token, const IdTokenChecks& checks) {
  const Json& payload = token.payload;
  jose::ClaimChecks claims;
  claims.issuer = checks.issuer;
  claims.audiences = {checks.clientId};
  claims.now = checks.now;
  claims.leewaySeconds = checks.leewaySeconds;
  claims.requireJti = false;
  SSHCA_RETURN_IF_ERROR(jose::checkClaims(payload, claims));
  if (!payload.contains("exp")) return refused("the ID token has no expiry (exp)");
  if (!payload.contains("iat")) return refused("the ID token has no issue time (iat)");
  SSHCA_RETURN_IF_ERROR(checkAzpAndNonce(payload, checks));
  std::string sub = optionalString(payload, "sub");
  if (sub.empty()) return refused("the ID token has no subject (sub)");
  policy::Identity who;
  who.provisioner = checks.provisioner;
  who.sub = sub;
  who.email = optionalString(payload, "email");
  who.emailVerified = emailVerified(payload);
  who.preferredUsername = optionalString(payload, "preferred_username");
  SSHCA_ASSIGN_OR_RETURN(who.groups, groupsOf(payload));
  who.subject = who.email.empty() ? sub : who.email;
  // Without a jti the token is known by what was signed, not by the
  // signature: an ECDSA signature (r, s) has a twin (r, n - s) that verifies
  // too, and must not make the same token new.
  std::string jti = optionalString(payload, "jti");
  who.tokenId =
      !jti.empty() && jti.size() <= jose::kMaxJtiLength ? "jti:" + jti : "sha256:" + sha256Hex(token.signingInput);
  who.tokenUsableUntil = static_cast<int64_t>(payload.at("exp").get<double>()) + checks.leewaySeconds;
  who.tokenScope = "oidc " + checks.issuer;
  who.certType = ssh::CertType::User;
  return who;
}

}  // namespace sshca::provisioners
