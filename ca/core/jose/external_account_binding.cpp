#include "ca/core/jose/external_account_binding.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ca/core/common/bytes.h"
#include "ca/core/jose/base64url_strict.h"
#include "ca/core/jose/flattened_jws.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"

namespace sshca::jose {
namespace {

Error refused(const std::string& why) {
  return makeError(ErrorCode::Unauthenticated, "external account binding: " + why);
}

}  // namespace

Result<std::string> verifyExternalAccountBinding(const nlohmann::json& binding,
                                                 const std::map<std::string, std::string>& keys,
                                                 const nlohmann::json& accountJwk, std::string_view url) {
  if (!binding.is_object()) return refused("must be a JWS object");
  auto parts = parseFlattened(binding.dump());
  if (!parts.ok()) return refused(parts.error().message);
  const nlohmann::json& h = parts->header;
  if (!h.contains("alg") || h["alg"] != "HS256") return refused("alg must be HS256");
  if (h.contains("nonce")) return refused("must not carry a nonce");
  if (!h.contains("url") || !h["url"].is_string() || h["url"].get<std::string>() != url)
    return refused("url is not the newAccount URL");
  if (!h.contains("kid") || !h["kid"].is_string()) return refused("kid is missing");
  std::string kid = h["kid"].get<std::string>();
  auto key = keys.find(kid);
  if (key == keys.end()) return refused("unknown key ID");
  // The payload is the account's key: compared as keys, not as text.
  auto bound = parseJwk(parts->payload);
  auto account = parseJwk(accountJwk);
  if (!bound.ok() || !account.ok() || !(bound->key == account->key)) return refused("binds another key");
  auto secret = base64UrlDecode(key->second);
  if (!secret.ok() || secret->empty()) return refused("the configured key is not base64url");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  if (HMAC(EVP_sha256(), secret->data(), static_cast<int>(secret->size()),
           reinterpret_cast<const unsigned char*>(parts->signingInput.data()), parts->signingInput.size(), mac,
           &macLen) == nullptr)
    return makeError(ErrorCode::CryptoFailure, "external account binding: HMAC failed");
  if (parts->signature.size() != macLen || CRYPTO_memcmp(parts->signature.data(), mac, macLen) != 0)
    return refused("the MAC does not verify");
  return kid;
}

}  // namespace sshca::jose
