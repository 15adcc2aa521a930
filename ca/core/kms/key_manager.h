// Key storage: create, list, find and sign with keys on a token.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"

namespace sshca {

// Which key: a PKCS#11 URI's object label (CKA_LABEL) and/or id (CKA_ID).
struct KeyRef {
  std::string label;
  Bytes id;
  // "pkcs11:object=ssh-user-ca;id=%01%02" (RFC 7512 form; parsed by kms_uri.h)
  std::string toUri() const;
};

struct KeyInfo {
  std::string label;
  Bytes id;
  PublicKey publicKey;
};

class KeyManager {
 public:
  virtual ~KeyManager() = default;

  // Generates a key pair on the token: private, sensitive, never extractable.
  // AlreadyExists if an object with the label exists. Without an id, picks a
  // fresh random 8-byte CKA_ID.
  virtual Result<PublicKey> createKey(const KeyRef& ref, const KeySpec& spec) = 0;

  // Puts an existing private key onto the token (sensitive, non-extractable
  // from then on). AlreadyExists if the label or id is taken.
  virtual Result<PublicKey> importKey(const KeyRef& ref, EVP_PKEY* privateKey) = 0;

  // Every key pair on the token (private key objects with their public half).
  virtual Result<std::vector<KeyInfo>> listKeys() = 0;

  // The key's public half. Works without a login too (a manager opened only
  // to read public keys): then from the public key object with the ref's
  // label/id, since private objects are invisible before C_Login.
  virtual Result<PublicKey> publicKey(const KeyRef& ref) = 0;

  // A thread-safe signer for the key; it stays usable after the manager is
  // destroyed (it shares the module and session pool).
  virtual Result<SignerPtr> createSigner(const KeyRef& ref) = 0;
};

}  // namespace sshca
