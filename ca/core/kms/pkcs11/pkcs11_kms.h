// KeyManager for keys on a PKCS#11 token, through the raw PKCS#11 API
// (dlopen + C_GetFunctionList). Not libp11: see docs/pkcs11.md.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/kms_uri.h"

namespace sshca {

struct Pkcs11Options {
  // Spend the token's last user-PIN try (CKF_USER_PIN_FINAL_TRY); a wrong PIN
  // then locks the token. Off: such a login is refused before C_Login.
  bool allowFinalTry = false;
  // Off: no PIN is read and no C_Login made, for callers that only need
  // public halves (sshca revoke): public key objects are readable in a public
  // session. Only publicKey() works then; the rest is PermissionDenied.
  bool login = true;
  // Signatures in progress at once on the token (one session each); 0: the
  // token's own session limit, or 16 when it states none. A signature that
  // finds them all taken waits up to sessionWait, then fails Unavailable.
  size_t maxSessions = 0;
  std::chrono::milliseconds sessionWait{2000};
};

// Loads the module, finds the token by label/serial (slot-id only if the URI
// gives one), resolves the PIN (kms_uri.h) and logs in once as CKU_USER
// (unless opts.login is off). Signers it makes survive the token going away
// and coming back (pkcs11_token.h).
// Errors: NotFound (no token / no PIN), PinIncorrect, PinLocked,
// PermissionDenied (final try not allowed), Unavailable (module or token).
Result<std::unique_ptr<KeyManager>> openPkcs11KeyManager(const KmsUri& uri, const Pkcs11Options& opts = {});

}  // namespace sshca
