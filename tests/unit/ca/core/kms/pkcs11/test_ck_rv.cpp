// PKCS#11 return values as errors (kms/pkcs11/ck_rv.h): named in the
// message, and a token that went away, the CA's lost login or a stale
// handle is `unavailable` (HTTP 503), never the caller's fault or a
// missing key.
#include <catch2/catch.hpp>

#include "ca/core/kms/pkcs11/ck_rv.h"

using namespace sshca;
using namespace sshca::pkcs11;

TEST_CASE("CkErrorNamesTheFunctionAndTheValue", "[pkcs11]") {
  Error e = ckError("C_Sign", CKR_KEY_HANDLE_INVALID);
  CHECK(e.message == "C_Sign failed: CKR_KEY_HANDLE_INVALID");
  CHECK(ckError("C_Sign", 0x80001234UL).message == "C_Sign failed: CKR_0x80001234");
}

TEST_CASE("CkErrorTokenGoneIsUnavailable", "[pkcs11]") {
  for (CK_RV rv : {CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_SESSION_HANDLE_INVALID, CKR_DEVICE_ERROR,
                   CKR_SESSION_CLOSED, CKR_CRYPTOKI_NOT_INITIALIZED, CKR_SLOT_ID_INVALID, CKR_TOKEN_NOT_RECOGNIZED,
                   CKR_USER_NOT_LOGGED_IN, CKR_OBJECT_HANDLE_INVALID, CKR_KEY_HANDLE_INVALID}) {
    INFO(ckrName(rv));
    CHECK(ckError("C_SignInit", rv).code == ErrorCode::Unavailable);
  }
  CHECK(ckError("C_Login", CKR_PIN_INCORRECT).code == ErrorCode::PinIncorrect);
  // The token must be found again after these; not after a refused PIN.
  CHECK(needsReconnect(CKR_KEY_HANDLE_INVALID));
  CHECK(needsReconnect(CKR_USER_NOT_LOGGED_IN));
  CHECK(needsReconnect(CKR_DEVICE_REMOVED));
  CHECK_FALSE(needsReconnect(CKR_PIN_INCORRECT));
  CHECK_FALSE(needsReconnect(CKR_MECHANISM_INVALID));
  CHECK(ckError("C_Login", CKR_PIN_LOCKED).code == ErrorCode::PinLocked);
  CHECK(ckError("C_GenerateKeyPair", CKR_MECHANISM_INVALID).code == ErrorCode::Unsupported);
}
