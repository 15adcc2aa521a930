#include "ca/core/kms/pkcs11/token_admin.h"

#include <cstring>

#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/slot_finder.h"
#include "ca/core/kms/pkcs11/so_pin.h"
#include "ca/core/kms/pkcs11/token_flags.h"
#include "ca/core/kms/pkcs11/token_login.h"

namespace sshca {
namespace {

using namespace pkcs11;

struct OpenedToken {
  ModulePtr module;
  SlotToken token;
};

Result<OpenedToken> openToken(const KmsUri& uri) {
  SSHCA_ASSIGN_OR_RETURN(ModulePtr module, Module::load(uri.modulePath));
  SSHCA_ASSIGN_OR_RETURN(SlotToken st, findToken(*module, uri));
  return OpenedToken{std::move(module), st};
}

// Shows the SO-PIN flags to the caller, then refuses a locked SO PIN or a
// final try the caller did not accept.
Result<LoginOptions> soLoginOptions(CK_FLAGS flags, const SoLoginCheck& check) {
  bool finalTry = flags & CKF_SO_PIN_FINAL_TRY;
  LoginOptions opts{CKU_SO, false};
  if (!(flags & CKF_SO_PIN_LOCKED)) {
    if (!check(describePinFlags(flags, true), finalTry))
      return makeError(ErrorCode::PermissionDenied, "aborted before sending the SO PIN");
    opts.allowFinalTry = finalTry;
  }
  SSHCA_RETURN_IF_ERROR(checkPinState(flags, opts));
  return opts;
}

// An SO login on a fresh read-write session (C_Login(CKU_SO) needs one).
Result<std::shared_ptr<Session>> soSession(const OpenedToken& t, const SecretBytes& soPin, const SoLoginCheck& check) {
  SSHCA_ASSIGN_OR_RETURN(LoginOptions opts, soLoginOptions(t.token.info.flags, check));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pin, soPinForToken(soPin, t.token.info));
  SSHCA_ASSIGN_OR_RETURN(Session s, Session::open(t.module, t.token.slot, true));
  auto session = std::make_shared<Session>(std::move(s));
  SSHCA_RETURN_IF_ERROR(login(*session, t.token.slot, pin, opts));
  return session;
}

Status pinCall(const Session& s, CK_SLOT_ID slot, CK_USER_TYPE who, const char* fn, CK_RV rv) {
  if (rv == CKR_OK) return okStatus();
  if (rv == CKR_PIN_INCORRECT) return incorrectPinError(s, slot, who);
  return ckError(fn, rv);
}

Result<SlotToken> slotForInit(const Module& module, std::optional<unsigned long> slotId, bool reinitialize) {
  SSHCA_ASSIGN_OR_RETURN(auto tokens, listTokens(module));
  for (const auto& t : tokens) {
    bool initialized = t.info.flags & CKF_TOKEN_INITIALIZED;
    if (slotId ? t.slot != *slotId : initialized) continue;
    if (initialized && !reinitialize)
      return makeError(ErrorCode::AlreadyExists, "the token in slot " + std::to_string(t.slot) + " ('" +
                                                     SSHCA_TOKEN_FIELD(t.info, label) +
                                                     "') is initialized; re-initializing erases every key on it");
    return t;
  }
  return makeError(ErrorCode::NotFound, slotId ? "no token in slot " + std::to_string(*slotId)
                                               : std::string("no uninitialized token found"));
}

}  // namespace

Result<TokenStatus> tokenStatus(const KmsUri& uri) {
  SSHCA_ASSIGN_OR_RETURN(OpenedToken t, openToken(uri));
  const CK_TOKEN_INFO& i = t.token.info;
  return TokenStatus{t.token.slot,
                     SSHCA_TOKEN_FIELD(i, label),
                     SSHCA_TOKEN_FIELD(i, manufacturerID),
                     SSHCA_TOKEN_FIELD(i, model),
                     SSHCA_TOKEN_FIELD(i, serialNumber),
                     describePinFlags(i.flags, false),
                     describePinFlags(i.flags, true),
                     describeTokenFlags(i.flags)};
}

Status initToken(const std::string& modulePath, std::optional<unsigned long> slotId, const SecretBytes& soPin,
                 const std::string& label, bool reinitialize, const SoLoginCheck& check) {
  if (label.empty() || label.size() > 32)
    return makeError(ErrorCode::InvalidArgument, "a token label has 1 to 32 characters");
  SSHCA_ASSIGN_OR_RETURN(ModulePtr module, Module::load(modulePath));
  SSHCA_ASSIGN_OR_RETURN(SlotToken st, slotForInit(*module, slotId, reinitialize));
  LoginOptions opts{CKU_SO, false};
  if (st.info.flags & CKF_TOKEN_INITIALIZED) {  // the token checks the old SO PIN
    SSHCA_ASSIGN_OR_RETURN(opts, soLoginOptions(st.info.flags, check));
  }
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pin, soPinForToken(soPin, st.info));
  CK_UTF8CHAR padded[32];
  std::memset(padded, ' ', sizeof padded);
  std::memcpy(padded, label.data(), label.size());
  CK_RV rv = module->fn()->C_InitToken(st.slot, pinPtr(pin), pin.size(), padded);
  if (rv == CKR_PIN_INCORRECT)
    return makeError(ErrorCode::PinIncorrect, "the token rejected the SO PIN (CKR_PIN_INCORRECT); not retrying");
  if (rv != CKR_OK) return ckError("C_InitToken", rv);
  return okStatus();
}

Status changePin(const KmsUri& uri, bool so, const SecretBytes& oldPin, const SecretBytes& newPin,
                 const SoLoginCheck& check) {
  SSHCA_ASSIGN_OR_RETURN(OpenedToken t, openToken(uri));
  if (so) {
    SSHCA_ASSIGN_OR_RETURN(auto s, soSession(t, oldPin, check));
    LoginGuard logout(s);
    SSHCA_ASSIGN_OR_RETURN(SecretBytes oldSo, soPinForToken(oldPin, t.token.info));
    SSHCA_ASSIGN_OR_RETURN(SecretBytes newSo, soPinForToken(newPin, t.token.info));
    CK_RV rv = s->fn()->C_SetPIN(s->handle(), pinPtr(oldSo), oldSo.size(), pinPtr(newSo), newSo.size());
    return pinCall(*s, t.token.slot, CKU_SO, "C_SetPIN", rv);
  }
  SSHCA_RETURN_IF_ERROR(checkPinState(t.token.info.flags, LoginOptions{CKU_USER, false}));
  SSHCA_ASSIGN_OR_RETURN(Session s, Session::open(t.module, t.token.slot, true));
  CK_RV rv = s.fn()->C_SetPIN(s.handle(), pinPtr(oldPin), oldPin.size(), pinPtr(newPin), newPin.size());
  return pinCall(s, t.token.slot, CKU_USER, "C_SetPIN", rv);
}

Status initUserPin(const KmsUri& uri, const SecretBytes& soPin, const SecretBytes& newPin, const SoLoginCheck& check) {
  SSHCA_ASSIGN_OR_RETURN(OpenedToken t, openToken(uri));
  SSHCA_ASSIGN_OR_RETURN(auto s, soSession(t, soPin, check));
  LoginGuard logout(s);
  CK_RV rv = s->fn()->C_InitPIN(s->handle(), pinPtr(newPin), newPin.size());
  if (rv != CKR_OK) return ckError("C_InitPIN", rv);
  return okStatus();
}

}  // namespace sshca
