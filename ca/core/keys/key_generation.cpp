#include "ca/core/keys/key_generation.h"

#include <string>

namespace sshca {
namespace {

// OpenSSH's own bounds for RSA (SSH_RSA_MINIMUM_MODULUS_SIZE is 1024, but
// sshca refuses subject keys below 2048; 16384 is OPENSSL_RSA_MAX_MODULUS_BITS).
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;

EVP_PKEY* generate(const KeySpec& spec) {
  switch (spec.algorithm) {
    case KeyAlgorithm::Ed25519:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    case KeyAlgorithm::EcdsaP256:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    case KeyAlgorithm::EcdsaP384:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    case KeyAlgorithm::EcdsaP521:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
    case KeyAlgorithm::Rsa:
      return EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(spec.rsaBits));
  }
  return nullptr;
}

}  // namespace

Result<ossl::EvpPkey> generatePrivateKey(const KeySpec& spec) {
  if (spec.algorithm == KeyAlgorithm::Rsa && (spec.rsaBits < kMinRsaBits || spec.rsaBits > kMaxRsaBits))
    return makeError(ErrorCode::InvalidArgument, "RSA key size " + std::to_string(spec.rsaBits) + " is out of range (" +
                                                     std::to_string(kMinRsaBits) + " to " +
                                                     std::to_string(kMaxRsaBits) + " bits)");
  ossl::ErrorQueueGuard guard;
  ossl::EvpPkey key(generate(spec));
  if (!key) return ossl::error("generating a " + keySpecName(spec) + " key");
  return key;
}

}  // namespace sshca
