// A public key of one of the supported algorithms, backed by an OpenSSL
// EVP_PKEY. Copyable (shares the reference-counted EVP_PKEY).
#pragma once

#include <memory>

#include "ca/core/common/bytes.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"

namespace sshca {

class PublicKey {
 public:
  // Takes a public (or private: only the public half is kept) EVP_PKEY.
  // Refuses algorithms and curves outside KeyAlgorithm.
  static Result<PublicKey> fromEvp(const EVP_PKEY* pkey);
  // Takes over a key that holds only a public half (built from components,
  // d2i_PUBKEY): no copy. The copy in fromEvp goes through OpenSSL 3's
  // decoder framework and costs more than an ECDSA signature.
  static Result<PublicKey> adoptPublic(ossl::EvpPkey pub);
  // From SubjectPublicKeyInfo DER / PEM.
  static Result<PublicKey> fromDer(std::span<const uint8_t> spki);
  static Result<PublicKey> fromPem(std::string_view pem);

  KeyAlgorithm algorithm() const { return alg_; }
  KeySpec spec() const { return {alg_, alg_ == KeyAlgorithm::Rsa ? bits_ : 0}; }
  int bits() const { return bits_; }
  // Borrowed; valid while this PublicKey (or a copy) lives.
  EVP_PKEY* evp() const { return pkey_.get(); }
  Bytes spkiDer() const;

  // Equal when the public components are equal.
  bool operator==(const PublicKey& other) const;

 private:
  PublicKey(std::shared_ptr<EVP_PKEY> pkey, KeyAlgorithm alg, int bits)
      : pkey_(std::move(pkey)), alg_(alg), bits_(bits) {}
  std::shared_ptr<EVP_PKEY> pkey_;
  KeyAlgorithm alg_;
  int bits_;
};

// Builds public keys from their raw components (used by format parsers).
Result<PublicKey> publicKeyFromEcPoint(KeyAlgorithm curve, std::span<const uint8_t> uncompressedPoint);
Result<PublicKey> publicKeyFromRsa(std::span<const uint8_t> n, std::span<const uint8_t> e);
Result<PublicKey> publicKeyFromEd25519(std::span<const uint8_t> raw32);

// Raw components of a public key (used by format encoders).
Result<Bytes> ecPointOf(const PublicKey& key);      // uncompressed 04||X||Y
Result<Bytes> ed25519RawOf(const PublicKey& key);   // 32 bytes
Result<Bytes> rsaModulusOf(const PublicKey& key);   // big-endian, no leading zero
Result<Bytes> rsaExponentOf(const PublicKey& key);  // big-endian, no leading zero

}  // namespace sshca
