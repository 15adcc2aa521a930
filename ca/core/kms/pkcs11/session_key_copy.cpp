#include "ca/core/kms/pkcs11/session_key_copy.h"

#include <string_view>

#include "ca/core/kms/pkcs11/slot_finder.h"

namespace sshca::pkcs11 {

bool isSoftHsm(const Module& module) {
  CK_INFO info{};
  if (module.fn()->C_GetInfo(&info) != CKR_OK) return false;
  return std::string_view(SSHCA_TOKEN_FIELD(info, manufacturerID)).starts_with("SoftHSM");
}

CK_OBJECT_HANDLE keyForSigning(const Session& session, CK_OBJECT_HANDLE key) {
  if (!isSoftHsm(*session.module())) return key;
  // Only CKA_TOKEN changes; the copy keeps every other attribute, so it is
  // as sensitive and unextractable as the key.
  CK_BBOOL sessionObject = CK_FALSE;
  CK_ATTRIBUTE tmpl{CKA_TOKEN, &sessionObject, sizeof sessionObject};
  CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
  if (session.fn()->C_CopyObject(session.handle(), key, &tmpl, 1, &copy) != CKR_OK) return key;
  return copy;
}

}  // namespace sshca::pkcs11
