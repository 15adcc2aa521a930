// Key algorithms and the names people type for them ("ecdsa-p256", "rsa-3072").
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca {

enum class KeyAlgorithm { EcdsaP256, EcdsaP384, EcdsaP521, Rsa, Ed25519 };

// Hash applied before signing. Ed25519 signs the message itself (None).
enum class HashAlg { None, Sha256, Sha384, Sha512 };

struct KeySpec {
  KeyAlgorithm algorithm = KeyAlgorithm::EcdsaP256;
  int rsaBits = 0;  // only for Rsa

  bool operator==(const KeySpec&) const = default;
};

// Accepts ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519
// (the types a CA key may be created with; P-521 only as a subject key).
Result<KeySpec> parseKeySpec(std::string_view name);
std::string keySpecName(const KeySpec& spec);

// ECDSA field size in bytes (32, 48, 66); 0 for other algorithms.
size_t ecdsaFieldBytes(KeyAlgorithm alg);

}  // namespace sshca
