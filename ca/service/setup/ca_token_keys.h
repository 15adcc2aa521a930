// The CA's four keys, each its own object on the token so that a
// compromise of one is not a compromise of the others (docs/architecture.md):
// ssh-user-ca, ssh-host-ca (--ssh-key-type), root-ca, intermediate-ca
// (ECDSA P-384, as `sshca pki init` makes them).
#pragma once

#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/signer.h"
#include "ca/core/kms/key_manager.h"

namespace sshca::setup {

inline constexpr const char* kSshUserCaLabel = "ssh-user-ca";
inline constexpr const char* kSshHostCaLabel = "ssh-host-ca";
inline constexpr const char* kRootCaLabel = "root-ca";
inline constexpr const char* kIntermediateCaLabel = "intermediate-ca";
inline constexpr KeySpec kX509CaKeySpec{KeyAlgorithm::EcdsaP384, 0};

struct CaTokenKeys {
  PublicKey sshUser, sshHost;
  SignerPtr root, intermediate;
};

// Creates all four (AlreadyExists, naming the label, if the token holds one).
Result<CaTokenKeys> createCaTokenKeys(KeyManager& km, const KeySpec& sshSpec);

}  // namespace sshca::setup
