// Finding objects and reading their attributes.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

// Every token object matching the template (all of them, in batches).
// Session objects are never found: the only ones sshca has are its own
// copies of keys for signing (session_key_copy.h), which must not count as
// a second key under a name.
Result<std::vector<CK_OBJECT_HANDLE>> findObjects(const Session& s, std::span<CK_ATTRIBUTE> tmpl);

// Objects of a class (CK_UNAVAILABLE_INFORMATION: any class) with the ref's
// label and/or id; a ref with both must match both.
Result<std::vector<CK_OBJECT_HANDLE>> findByRef(const Session& s, const KeyRef& ref, CK_OBJECT_CLASS cls);

// Objects of any class whose label or id equals the ref's (either one):
// what must not exist before a key is created under that name.
Result<bool> labelOrIdTaken(const Session& s, const KeyRef& ref);

Result<Bytes> readAttribute(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);
Result<bool> readBool(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);
Result<CK_ULONG> readUlong(const Session& s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);

// A template entry pointing at a value that outlives the template.
template <class T>
CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, T& value) {
  return {type, &value, sizeof value};
}
inline CK_ATTRIBUTE attrBytes(CK_ATTRIBUTE_TYPE type, std::span<const uint8_t> b) {
  return {type, const_cast<uint8_t*>(b.data()), b.size()};
}
inline CK_ATTRIBUTE attrString(CK_ATTRIBUTE_TYPE type, const std::string& s) {
  return {type, const_cast<char*>(s.data()), s.size()};
}

}  // namespace sshca::pkcs11
