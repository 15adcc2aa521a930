#include "ca/core/kms/pkcs11/pkcs11_objects.h"

#include <vector>

#include "ca/core/kms/pkcs11/ck_rv.h"

namespace sshca::pkcs11 {

Result<std::vector<CK_OBJECT_HANDLE>> findObjects(const Session& s, std::span<CK_ATTRIBUTE> tmpl) {
  CK_BBOOL onToken = CK_TRUE;
  std::vector<CK_ATTRIBUTE> tokenOnly(tmpl.begin(), tmpl.end());
  tokenOnly.push_back(attr(CKA_TOKEN, onToken));
  SSHCA_ASSIGN_OR_RETURN(auto guard, FindObjectsGuard::init(s, tokenOnly));
  std::vector<CK_OBJECT_HANDLE> out;
  CK_OBJECT_HANDLE batch[64];
  for (;;) {
    CK_ULONG n = 0;
    CK_RV rv = s.fn()->C_FindObjects(s.handle(), batch, std::size(batch), &n);
    if (rv != CKR_OK) return ckError("C_FindObjects", rv);
    out.insert(out.end(), batch, batch + n);
    if (n < std::size(batch)) return out;
  }
}

Result<std::vector<CK_OBJECT_HANDLE>> findByRef(const Session& s, const KeyRef& ref, CK_OBJECT_CLASS cls) {
  std::vector<CK_ATTRIBUTE> tmpl;
  if (cls != CK_UNAVAILABLE_INFORMATION) tmpl.push_back(attr(CKA_CLASS, cls));
  if (!ref.label.empty()) tmpl.push_back(attrString(CKA_LABEL, ref.label));
  if (!ref.id.empty()) tmpl.push_back(attrBytes(CKA_ID, ref.id));
  return findObjects(s, tmpl);
}

Result<bool> labelOrIdTaken(const Session& s, const KeyRef& ref) {
  if (!ref.label.empty()) {
    SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, KeyRef{ref.label, {}}, CK_UNAVAILABLE_INFORMATION));
    if (!found.empty()) return true;
  }
  if (!ref.id.empty()) {
    SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, KeyRef{{}, ref.id}, CK_UNAVAILABLE_INFORMATION));
    if (!found.empty()) return true;
  }
  return false;
}

Result<Bytes> readAttribute(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  CK_RV rv = s.fn()->C_GetAttributeValue(s.handle(), obj, &a, 1);
  if (rv != CKR_OK) return ckError("C_GetAttributeValue", rv);
  if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return makeError(ErrorCode::NotFound, "attribute not available");
  Bytes out(a.ulValueLen);
  a.pValue = out.data();
  rv = s.fn()->C_GetAttributeValue(s.handle(), obj, &a, 1);
  if (rv != CKR_OK) return ckError("C_GetAttributeValue", rv);
  out.resize(a.ulValueLen);
  return out;
}

Result<bool> readBool(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type) {
  SSHCA_ASSIGN_OR_RETURN(Bytes b, readAttribute(s, obj, type));
  if (b.size() != sizeof(CK_BBOOL)) return makeError(ErrorCode::InvalidFormat, "CK_BBOOL attribute of wrong size");
  return b[0] != CK_FALSE;
}

Result<CK_ULONG> readUlong(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type) {
  CK_ULONG v = 0;
  CK_ATTRIBUTE a = attr(type, v);
  CK_RV rv = s.fn()->C_GetAttributeValue(s.handle(), obj, &a, 1);
  if (rv != CKR_OK) return ckError("C_GetAttributeValue", rv);
  return v;
}

}  // namespace sshca::pkcs11
