// The one signing interface every format (SSH certificates, SSHSIG, X.509,
// JWS) signs through. Implementations: pkcs11/ (keys on a token) and
// soft/ (a key file, for tests and offline use).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/public_key.h"

namespace sshca {

class Signer {
 public:
  virtual ~Signer() = default;

  virtual const PublicKey& publicKey() const = 0;

  // Signs `data`, hashing it with `hash` first (Ed25519: HashAlg::None, the
  // message itself). Returns the raw form of keys/signature.h, already
  // verified against publicKey(): a signature that does not verify is an
  // error, never returned. Thread-safe.
  virtual Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const = 0;

  // Where the key lives, for messages ("pkcs11:token=sshca;object=ssh-user-ca").
  virtual std::string description() const = 0;

  // Whether sign() can work now, found without signing: for a key on a
  // token, that the token is there, logged in and still holds the key,
  // waiting on the token at most `budget`. Unavailable with the reason
  // otherwise. Keys in memory are always ready.
  virtual Status ready(std::chrono::milliseconds budget) const {
    (void)budget;
    return okStatus();
  }
};

using SignerPtr = std::shared_ptr<const Signer>;

}  // namespace sshca
