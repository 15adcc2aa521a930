// Generates a key pair on the token (C_GenerateKeyPair) with sshca's policy.
#pragma once

#include "ca/core/keys/key_spec.h"
#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

struct KeyPairHandles {
  CK_OBJECT_HANDLE publicKey;
  CK_OBJECT_HANDLE privateKey;
};

// ECDSA P-256/P-384 (CKM_EC_KEY_PAIR_GEN), RSA 2048-4096 with e=65537
// (CKM_RSA_PKCS_KEY_PAIR_GEN), Ed25519 (CKM_EC_EDWARDS_KEY_PAIR_GEN).
// `ref` must carry both label and id. Needs a read-write session.
Result<KeyPairHandles> generateKeyPair(const Session& s, const KeyRef& ref, const KeySpec& spec);

}  // namespace sshca::pkcs11
