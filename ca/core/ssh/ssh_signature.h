// SSH signature blobs: string algorithm, string signature.
//   ssh-ed25519:        RFC 8709 §6
//   ecdsa-sha2-nistp*:  RFC 5656 §3.1.2 (blob = mpint r, mpint s)
//   rsa-sha2-256/512:   RFC 8332 §3 (ssh-rsa / SHA-1 is always refused)
#pragma once

#include <span>
#include <string>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"

namespace sshca::ssh {

// The algorithm sshca signs with for a key: RSA is always rsa-sha2-512.
std::string signatureAlgorithmFor(const PublicKey& key);
// Its hash: P-256 SHA-256, P-384 SHA-384, P-521 SHA-512, RSA SHA-512,
// Ed25519 None.
HashAlg hashFor(const PublicKey& key);

// Wraps a raw signature (keys/signature.h form) made with
// signatureAlgorithmFor(key). Refuses a raw value of the wrong size.
Result<Bytes> encodeSignatureBlob(const PublicKey& key, std::span<const uint8_t> raw);

// Signs `data` with the signer's key and algorithm and encodes the blob.
Result<Bytes> makeSignatureBlob(const Signer& signer, std::span<const uint8_t> data);

// Verifies an SSH signature blob over `data` made by `key`. For RSA accepts
// rsa-sha2-256 and rsa-sha2-512 and refuses ssh-rsa (SHA-1).
Status verifySignatureBlob(const PublicKey& key, std::span<const uint8_t> data, std::span<const uint8_t> blob);

// The algorithm name inside a blob, without verifying anything.
Result<std::string> signatureBlobAlgorithm(std::span<const uint8_t> blob);

}  // namespace sshca::ssh
