// Fresh private keys in memory (OpenSSL's generator, seeded by the OS):
// what sshca-agent login creates and adds to the ssh-agent, and what tests
// use as subject keys. CA keys are generated inside the token instead
// (kms/pkcs11/key_generation.h).
#pragma once

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"

namespace sshca {

// Ed25519, ECDSA P-256/384/521, or RSA of spec.rsaBits (2048 to 16384).
// The key is private and owned by the caller.
Result<ossl::EvpPkey> generatePrivateKey(const KeySpec& spec);

}  // namespace sshca
