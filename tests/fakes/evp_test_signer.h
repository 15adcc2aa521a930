// A test-only Signer over a software EVP_PKEY: the x509 code is tested with
// it exactly as with a token key (the same raw signature forms, verified
// before they are returned).
#pragma once

#include <memory>
#include <stdexcept>

#include "ca/core/common/ossl.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signature.h"
#include "ca/core/keys/signer.h"

namespace sshca::test {

class EvpTestSigner final : public Signer {
 public:
  // Generates a fresh key: ecdsa-p256/p384/p521, rsa (rsaBits), ed25519.
  static std::shared_ptr<EvpTestSigner> generate(KeyAlgorithm alg, int rsaBits = 2048) {
    return std::make_shared<EvpTestSigner>(generateKey(alg, rsaBits));
  }

  explicit EvpTestSigner(ossl::EvpPkey key) : key_(std::move(key)), pub_(mustPublic(key_.get())) {}

  const PublicKey& publicKey() const override { return pub_; }

  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override {
    SSHCA_ASSIGN_OR_RETURN(Bytes sig, signRawWithEvp(key_.get(), pub_.algorithm(), data, hash));
    SSHCA_RETURN_IF_ERROR(verifyRawSignature(pub_, data, hash, sig));
    return sig;
  }

  std::string description() const override { return "test:evp"; }

  EVP_PKEY* evp() const { return key_.get(); }  // borrowed

 private:
  static ossl::EvpPkey generateKey(KeyAlgorithm alg, int rsaBits) {
    EVP_PKEY* k = nullptr;
    switch (alg) {
      case KeyAlgorithm::EcdsaP256:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
        break;
      case KeyAlgorithm::EcdsaP384:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
        break;
      case KeyAlgorithm::EcdsaP521:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
        break;
      case KeyAlgorithm::Rsa:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsaBits));
        break;
      case KeyAlgorithm::Ed25519:
        k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    }
    if (!k) throw std::runtime_error("test key generation failed");
    return ossl::EvpPkey(k);
  }
  static PublicKey mustPublic(EVP_PKEY* k) {
    auto pub = PublicKey::fromEvp(k);
    if (!pub.ok()) throw std::runtime_error(pub.error().message);
    return *pub;
  }

  ossl::EvpPkey key_;
  PublicKey pub_;
};

}  // namespace sshca::test
