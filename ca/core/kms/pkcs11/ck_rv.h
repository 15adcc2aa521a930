// PKCS#11 return values (CKR_*) as names and as project Errors.
#pragma once

#include <string>
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"

namespace sshca::pkcs11 {

// "CKR_PIN_INCORRECT"; "CKR_0x..." for codes without a name.
std::string ckrName(CK_RV rv);

// True for the codes that mean the token or its reader went away (unplugged,
// pcscd restarted): callers report Unavailable and a later retry may work.
bool isTokenGone(CK_RV rv);

// True for the codes after which the token must be found again: it went
// away (isTokenGone), the CA's login was lost (CKR_USER_NOT_LOGGED_IN), or a
// key or object handle no longer names anything (the token was replaced or
// reset while sshca held the handle).
bool needsReconnect(CK_RV rv);

// "C_Sign failed: CKR_KEY_HANDLE_INVALID" with a fitting ErrorCode:
// Unavailable for needsReconnect's codes, PinIncorrect / PinLocked,
// Unsupported for mechanisms and sizes the token refuses, CryptoFailure else.
Error ckError(std::string_view function, CK_RV rv);

}  // namespace sshca::pkcs11
