// The one place that calls C_Login. Real tokens count failures (3 user-PIN
// tries on a SmartCard-HSM, 15 SO-PIN tries on a Pico HSM, then bricked),
// so a PIN is offered at most once and never after the token says it is on
// its last try, unless the caller explicitly allows that.
#pragma once

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

struct LoginOptions {
  CK_USER_TYPE userType = CKU_USER;
  bool allowFinalTry = false;  // spend the token's last PIN try
};

// Refuses a locked PIN (PinLocked) or, unless allowed, a final try
// (PermissionDenied): the checks made before any PIN goes to the token.
Status checkPinState(CK_FLAGS tokenFlags, const LoginOptions& opts);

// PinIncorrect naming the token's PIN flags, re-read after the failure.
Error incorrectPinError(const Session& session, CK_SLOT_ID slot, CK_USER_TYPE userType);

// Reads the token flags; refuses a locked PIN (PinLocked) or, unless allowed,
// a final try (PermissionDenied) without calling C_Login. Then calls C_Login
// exactly once. CKR_PIN_INCORRECT → PinIncorrect with the token's PIN flags
// in words, re-read after the failure. CKR_USER_ALREADY_LOGGED_IN is
// success too, but returns false: another part of this process logged in
// and owns the logout. True when this call logged in. The PIN never appears
// in a message.
Result<bool> login(const Session& session, CK_SLOT_ID slot, const SecretBytes& pin, const LoginOptions& opts);

}  // namespace sshca::pkcs11
