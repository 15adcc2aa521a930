#include "ca/core/jose/jwk_set.h"

#include <set>
#include <string>

#include "ca/core/jose/json_object.h"

namespace sshca::jose {

namespace {

// A provider publishes a handful of keys; bound the work of a hostile document.
constexpr size_t kMaxKeys = 64;

// Keys sshca cannot use are left out rather than failing the whole set:
// a provider may publish encryption keys or key types we do not support.
bool isSkippable(const nlohmann::json& jwk, const Error& error) {
  if (error.code == ErrorCode::Unsupported) return true;
  if (!jwk.is_object()) return false;
  // find(), not value(): value() throws when the member is not a string.
  auto use = jwk.find("use");
  auto kty = jwk.find("kty");
  bool encryptionKey = use != jwk.end() && use->is_string() && *use == "enc";
  bool otherType = kty != jwk.end() && kty->is_string() && *kty != "EC" && *kty != "RSA" && *kty != "OKP";
  return encryptionKey || otherType;
}

}  // namespace

Result<JwkSet> JwkSet::parse(const nlohmann::json& set) {
  auto it = set.is_object() ? set.find("keys") : set.end();
  if (it == set.end() || !it->is_array()) return makeError(ErrorCode::InvalidFormat, "JWK Set has no \"keys\" array");
  if (it->size() > kMaxKeys)
    return makeError(ErrorCode::InvalidFormat, "JWK Set has more than " + std::to_string(kMaxKeys) + " keys");
  std::vector<Jwk> keys;
  std::set<std::string> kids;
  for (const auto& member : *it) {
    auto jwk = parseJwk(member);
    if (!jwk.ok() && isSkippable(member, jwk.error())) continue;
    if (!jwk.ok()) return std::move(jwk).error().context("JWK Set");
    if (jwk->kid && !kids.insert(*jwk->kid).second)
      return makeError(ErrorCode::InvalidFormat, "JWK Set: kid \"" + *jwk->kid + "\" appears twice");
    keys.push_back(std::move(*jwk));
  }
  return JwkSet(std::move(keys));
}

Result<JwkSet> JwkSet::parseText(std::string_view text) {
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json set, parseJsonObject(text, "JWK Set"));
  return parse(set);
}

Result<Jwk> JwkSet::find(std::string_view kid) const {
  for (const Jwk& k : keys_)
    if (k.kid && *k.kid == kid) return k;
  return makeError(ErrorCode::NotFound, "no key with kid \"" + std::string(kid) + "\" in the JWK Set");
}

}  // namespace sshca::jose
