// KeyManager for keys on a PKCS#11 token, through the raw PKCS#11 API
// (dlopen + C_GetFunctionList). Not libp11: see docs/pkcs11.md.
#pragma once

#include <memory>

#include "kms/key_manager.h"
#include "kms/kms_uri.h"

namespace sshca {

struct Pkcs11Options {
  // Spend the token's last user-PIN try (CKF_USER_PIN_FINAL_TRY); a wrong PIN
  // then locks the token. Off: such a login is refused before C_Login.
  bool allowFinalTry = false;
};

// Loads the module, finds the token by label/serial (slot-id only if the URI
// gives one), resolves the PIN (kms_uri.h) and logs in once as CKU_USER.
// Errors: NotFound (no token / no PIN), PinIncorrect, PinLocked,
// PermissionDenied (final try not allowed), Unavailable (module or token).
Result<std::unique_ptr<KeyManager>> openPkcs11KeyManager(const KmsUri& uri, const Pkcs11Options& opts = {});

}  // namespace sshca
