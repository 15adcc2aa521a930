// A Signer for a private key on a token. Thread-safe and scaling with
// threads: each sign() borrows its own session from the token's pool (one
// per concurrently signing thread, up to the token's capacity), so calls
// never wait on each other here below that capacity. The key is bound to
// the token (Token::bindKey): after the token went away and came back, the
// signer signs with the same key found again, or not at all.
#pragma once

#include "ca/core/keys/signer.h"
#include "ca/core/kms/pkcs11/pkcs11_token.h"

namespace sshca::pkcs11 {

// `key` is the index Token::bindKey gave for the private key.
// The signer keeps the token (and so the module and login) alive.
Result<SignerPtr> makeSigner(TokenPtr token, size_t key, PublicKey publicKey, std::string description);

}  // namespace sshca::pkcs11
