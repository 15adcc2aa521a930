// A Signer for a private key on a token. Thread-safe and scaling with
// threads: each sign() borrows its own session from the token's pool (one
// per concurrently signing thread), so calls never wait on each other here.
#pragma once

#include "ca/core/kms/pkcs11/pkcs11_token.h"
#include "ca/core/keys/signer.h"

namespace sshca::pkcs11 {

// `key` is the private key object handle, cached for the signer's lifetime.
// The signer keeps the token (and so the module and login) alive.
Result<SignerPtr> makeSigner(TokenPtr token, CK_OBJECT_HANDLE key, PublicKey publicKey, std::string description);

}  // namespace sshca::pkcs11
