#include "ca/core/kms/pkcs11/token_flags.h"

namespace sshca::pkcs11 {
namespace {

void append(std::string& out, bool on, const char* word) {
  if (!on) return;
  if (!out.empty()) out += ", ";
  out += word;
}

}  // namespace

std::string describePinFlags(CK_FLAGS f, bool so) {
  std::string out;
  append(out, f & (so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW), "PIN count low");
  append(out, f & (so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY), "final try");
  append(out, f & (so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED), "locked");
  append(out, f & (so ? CKF_SO_PIN_TO_BE_CHANGED : CKF_USER_PIN_TO_BE_CHANGED), "to be changed");
  if (!so) append(out, !(f & CKF_USER_PIN_INITIALIZED), "not initialized");
  return out.empty() ? "ok" : out;
}

std::string describeTokenFlags(CK_FLAGS f) {
  std::string out;
  append(out, f & CKF_TOKEN_INITIALIZED, "token initialized");
  append(out, f & CKF_USER_PIN_INITIALIZED, "user PIN initialized");
  append(out, f & CKF_LOGIN_REQUIRED, "login required");
  append(out, f & CKF_PROTECTED_AUTHENTICATION_PATH, "PIN pad");
  append(out, f & CKF_WRITE_PROTECTED, "write protected");
  append(out, f & CKF_RNG, "has RNG");
  return out.empty() ? "none" : out;
}

}  // namespace sshca::pkcs11
