// Public JSON Web Keys (RFC 7517) <-> PublicKey, for the key types of
// RFC 7518 §6 and RFC 8037 §2:
//   EC  (RFC 7518 §6.2.1): crv "P-256" | "P-384" | "P-521", x, y
//   RSA (RFC 7518 §6.3.1): n, e
//   OKP (RFC 8037 §2):     crv "Ed25519", x
// Only public keys: a JWK carrying private members is refused, so a
// provisioner's private key pasted into config never ends up served.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::jose {

// A parsed public JWK with the optional members (RFC 7517 §4) sshca uses.
struct Jwk {
  PublicKey key;
  std::optional<std::string> kid;  // §4.5
  std::optional<std::string> alg;  // §4.4; when set, the only alg the key may verify
  std::optional<std::string> use;  // §4.2; "sig" or absent for signature keys
};

// Parses a public JWK object. InvalidFormat for malformed members (EC
// coordinates must be exactly the field size, RFC 7518 §6.2.1.2),
// Unsupported for other kty/crv values, InvalidArgument when a private
// member ("d", "p", "q", "dp", "dq", "qi", "oth", "k") is present.
Result<Jwk> parseJwk(const nlohmann::json& jwk);

// The required members only, in canonical form (minimal-length n and e;
// full-length EC coordinates): exactly what RFC 7638 §3.2 hashes.
Result<nlohmann::json> publicJwkOf(const PublicKey& key);

}  // namespace sshca::jose
