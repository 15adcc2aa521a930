// A public key of one of the supported algorithms, backed by an OpenSSL
// EVP_PKEY. Copyable (the copies share the EVP_PKEY and what is read
// from it once).
#pragma once

#include <atomic>
#include <memory>
#include <span>

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
  EVP_PKEY* evp() const { return s_->pkey.get(); }
  Bytes spkiDer() const;

  // Equal when the public components are equal.
  bool operator==(const PublicKey& other) const;

 private:
  // Shared by the copies. `raw` is read once when the key is made: every
  // certificate encodes the CA key and the subject key, and OpenSSL's
  // parameter calls cost more than the rest of the encoding.
  struct Shared {
    ossl::EvpPkey pkey;
    Bytes raw;  // EC: the uncompressed point; Ed25519: the 32 bytes; RSA: empty
    // Set by checkSubjectKey once the key passed. The CA key is checked
    // before each certificate it signs; a key never changes, so every
    // check after the first is this load.
    mutable std::atomic<bool> subjectChecked{false};
  };
  static Result<PublicKey> adopt(ossl::EvpPkey pub, Bytes raw);
  explicit PublicKey(std::shared_ptr<const Shared> s, KeyAlgorithm alg, int bits)
      : s_(std::move(s)), alg_(alg), bits_(bits) {}

  friend Result<Bytes> ecPointOf(const PublicKey& key);
  friend Result<Bytes> ed25519RawOf(const PublicKey& key);
  friend Result<PublicKey> publicKeyFromEcPoint(KeyAlgorithm curve, std::span<const uint8_t> uncompressedPoint);
  friend Result<PublicKey> publicKeyFromEd25519(std::span<const uint8_t> raw32);
  friend Status checkSubjectKey(const PublicKey& key);

  std::shared_ptr<const Shared> s_;
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
