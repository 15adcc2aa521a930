// JWK Sets (RFC 7517 §5): {"keys": [...]}, e.g. an OIDC provider's
// jwks_uri document. Keys are found by "kid" (§4.5).
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/core/jose/jwk.h"

namespace sshca::jose {

class JwkSet {
 public:
  // Parses a JWK Set object. Keys of a type or curve sshca does not
  // support, and keys for encryption ("use": "enc"), are skipped (§5:
  // "implementations SHOULD ignore JWKs ... that use ... unsupported
  // parameters"); a malformed supported key, a private key or a kid that
  // appears twice is an error.
  static Result<JwkSet> parse(const nlohmann::json& set);
  // Parses the JSON text of a JWK Set document.
  static Result<JwkSet> parseText(std::string_view text);

  // The key with this kid. NotFound when none has it.
  Result<Jwk> find(std::string_view kid) const;

  const std::vector<Jwk>& keys() const { return keys_; }

 private:
  explicit JwkSet(std::vector<Jwk> keys) : keys_(std::move(keys)) {}
  std::vector<Jwk> keys_;
};

}  // namespace sshca::jose
