// Finding a token that went away again: the one with the label and serial
// it had when it was first opened (another token under the same label is
// not it, and gets no PIN), logging in once, and finding each key the CA
// signs with, which must still have the public key it had.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"
#include "ca/core/kms/pkcs11/token_login.h"

namespace sshca::pkcs11 {

// A key a signer uses, as it was when the signer was made.
struct BoundKey {
  KeyRef ref;
  PublicKey publicKey;
};

// One insertion of the token as this process uses it.
struct Connection {
  CK_SLOT_ID slot = 0;
  std::shared_ptr<Session> loginSession;  // kept open: closing the last session logs out
  std::shared_ptr<LoginGuard> login;      // null when this process did not log in
  std::vector<CK_OBJECT_HANDLE> keys;     // the bound keys' private key objects on the token, by index
  // What signatures use, by index: keys[i] or its session copy on the login
  // session (session_key_copy.h).
  std::vector<CK_OBJECT_HANDLE> signingKeys;
};

// What reconnecting needs to know about the token and the login.
struct TokenIdentity {
  std::string label;
  std::string serial;
};

struct Reconnect {
  std::optional<Connection> connection;  // set on success
  Error error{ErrorCode::Unavailable, ""};
  // True when trying again cannot help without an admin: the token refused
  // the PIN or reports it locked or on its final try, or a key changed.
  bool final = false;
};

// pin: null when the token is used without a login (public keys only).
Reconnect reconnect(const ModulePtr& module, const TokenIdentity& token, const SecretBytes* pin,
                    const LoginOptions& options, const std::vector<BoundKey>& keys);

// The private key `key.ref` names on the session's token, checked to have
// `key.publicKey`: NotFound when it is not there (yet), PermissionDenied
// when another key sits under that name.
Result<CK_OBJECT_HANDLE> findBoundKey(const Session& s, const BoundKey& key);

}  // namespace sshca::pkcs11
