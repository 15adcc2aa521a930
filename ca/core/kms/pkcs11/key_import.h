// Puts a software private key onto the token (C_CreateObject) with the same
// policy as generated keys: from then on sensitive and non-extractable.
#pragma once

#include <openssl/evp.h>

#include "ca/core/keys/public_key.h"
#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

// EC (P-256/P-384/P-521), RSA (2048-4096) and Ed25519 private keys, plus
// the matching public key object. `ref` must carry both label and id.
// Returns the public key. Needs a read-write session.
Result<PublicKey> importKeyPair(const Session& s, const KeyRef& ref, EVP_PKEY* key);

}  // namespace sshca::pkcs11
