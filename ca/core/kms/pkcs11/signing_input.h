// What goes into C_Sign for each key type, given the message and its hash:
//   ECDSA:   the digest, computed in software; CKM_ECDSA (returns r || s)
//   RSA:     DigestInfo || digest (RFC 8017 §9.2); CKM_RSA_PKCS (PKCS#1 v1.5)
//   Ed25519: the message itself; CKM_EDDSA (RFC 8032 pure Ed25519)
// Hashing in software keeps the data sent to a slow USB token to one digest.
#pragma once

#include <p11-kit/pkcs11.h>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"

namespace sshca::pkcs11 {

struct SigningInput {
  CK_MECHANISM_TYPE mechanism;
  Bytes data;
};

Result<SigningInput> signingInput(KeyAlgorithm alg, std::span<const uint8_t> message, HashAlg hash);

}  // namespace sshca::pkcs11
