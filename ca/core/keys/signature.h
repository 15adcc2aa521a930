// Key-neutral "raw" signatures as Signers return them:
//   ECDSA:   r || s, each left-padded to the field size (the PKCS#11 form)
//   RSA:     the PKCS#1 v1.5 signature, modulus-sized
//   Ed25519: the 64-byte signature
// Format encoders (SSH, X.509) convert from this form.
#pragma once

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/public_key.h"

namespace sshca {

// Verifies a raw signature over data with OpenSSL. CryptoFailure if invalid.
Status verifyRawSignature(const PublicKey& key, std::span<const uint8_t> data, HashAlg hash,
                          std::span<const uint8_t> sig);

// Signs with a software private key, producing the raw form (soft signer, tests).
Result<Bytes> signRawWithEvp(EVP_PKEY* priv, KeyAlgorithm alg, std::span<const uint8_t> data, HashAlg hash);

// ECDSA r||s <-> DER ECDSA-Sig-Value.
Result<Bytes> ecdsaRawToDer(std::span<const uint8_t> raw);
Result<Bytes> ecdsaDerToRaw(std::span<const uint8_t> der, size_t fieldBytes);

// The digest OpenSSL uses for a HashAlg (nullptr for None).
const EVP_MD* evpDigest(HashAlg hash);

}  // namespace sshca
