#include "ca/core/keys/key_spec.h"

namespace sshca {

Result<KeySpec> parseKeySpec(std::string_view name) {
  if (name == "ecdsa-p256") return KeySpec{KeyAlgorithm::EcdsaP256, 0};
  if (name == "ecdsa-p384") return KeySpec{KeyAlgorithm::EcdsaP384, 0};
  if (name == "ed25519") return KeySpec{KeyAlgorithm::Ed25519, 0};
  if (name == "rsa-2048") return KeySpec{KeyAlgorithm::Rsa, 2048};
  if (name == "rsa-3072") return KeySpec{KeyAlgorithm::Rsa, 3072};
  if (name == "rsa-4096") return KeySpec{KeyAlgorithm::Rsa, 4096};
  return makeError(ErrorCode::InvalidArgument,
                   "unknown key type '" + std::string(name) +
                       "' (expected ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096 or ed25519)");
}

std::string keySpecName(const KeySpec& spec) {
  switch (spec.algorithm) {
    case KeyAlgorithm::EcdsaP256:
      return "ecdsa-p256";
    case KeyAlgorithm::EcdsaP384:
      return "ecdsa-p384";
    case KeyAlgorithm::EcdsaP521:
      return "ecdsa-p521";
    case KeyAlgorithm::Ed25519:
      return "ed25519";
    case KeyAlgorithm::Rsa:
      return "rsa-" + std::to_string(spec.rsaBits);
  }
  return "unknown";
}

size_t ecdsaFieldBytes(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::EcdsaP256:
      return 32;
    case KeyAlgorithm::EcdsaP384:
      return 48;
    case KeyAlgorithm::EcdsaP521:
      return 66;
    default:
      return 0;
  }
}

}  // namespace sshca
