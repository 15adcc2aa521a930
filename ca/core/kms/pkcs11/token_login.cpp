#include "ca/core/kms/pkcs11/token_login.h"

#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/slot_finder.h"
#include "ca/core/kms/pkcs11/token_flags.h"

namespace sshca::pkcs11 {
namespace {

const char* who(CK_USER_TYPE t) { return t == CKU_SO ? "SO PIN" : "user PIN"; }

}  // namespace

Status checkPinState(CK_FLAGS flags, const LoginOptions& opts) {
  bool so = opts.userType == CKU_SO;
  if (flags & (so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED))
    return makeError(ErrorCode::PinLocked, std::string("the token reports the ") + who(opts.userType) +
                                               " locked; not trying it (unblock it with the SO PIN)");
  if ((flags & (so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY)) && !opts.allowFinalTry)
    return makeError(ErrorCode::PermissionDenied,
                     std::string("the token reports one ") + who(opts.userType) +
                         " try left (final try): a wrong PIN now locks it, so sshca does not spend "
                         "that try unless explicitly allowed (allow-final-try)");
  return okStatus();
}

// After a rejected PIN, the token's new counters say how close it is to locking.
Error incorrectPinError(const Session& session, CK_SLOT_ID slot, CK_USER_TYPE userType) {
  bool so = userType == CKU_SO;
  std::string state = "unknown";
  if (auto info = tokenInfo(*session.module(), slot); info.ok()) state = describePinFlags(info->flags, so);
  return makeError(ErrorCode::PinIncorrect, std::string("the token rejected the ") + who(userType) +
                                                " (CKR_PIN_INCORRECT); token PIN flags now: " + state +
                                                ". Not retrying: fix the PIN source before trying again");
}

Result<bool> login(const Session& session, CK_SLOT_ID slot, const SecretBytes& pin, const LoginOptions& opts) {
  SSHCA_ASSIGN_OR_RETURN(CK_TOKEN_INFO info, tokenInfo(*session.module(), slot));
  SSHCA_RETURN_IF_ERROR(checkPinState(info.flags, opts));
  CK_RV rv = session.fn()->C_Login(session.handle(), opts.userType, pinPtr(pin), pin.size());
  switch (rv) {
    case CKR_OK:
      return true;
    case CKR_USER_ALREADY_LOGGED_IN:
      return false;
    case CKR_PIN_INCORRECT:
      return incorrectPinError(session, slot, opts.userType);
    case CKR_PIN_LOCKED:
      return makeError(ErrorCode::PinLocked,
                       std::string("the token reports the ") + who(opts.userType) + " locked (CKR_PIN_LOCKED)");
    default:
      return ckError("C_Login", rv);
  }
}

}  // namespace sshca::pkcs11
