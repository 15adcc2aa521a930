#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca {

// Formatted by p11-kit so that it parses back with parseKeyUri (label
// percent-encoded as needed, id as %XX bytes).
std::string KeyRef::toUri() const {
  pkcs11::UriPtr uri(p11_kit_uri_new());
  if (!uri) return "pkcs11:";
  CK_ATTRIBUTE attrs[2];
  CK_ULONG n = 0;
  if (!label.empty()) attrs[n++] = {CKA_LABEL, const_cast<char*>(label.data()), label.size()};
  if (!id.empty()) attrs[n++] = {CKA_ID, const_cast<uint8_t*>(id.data()), id.size()};
  p11_kit_uri_set_attributes(uri.get(), attrs, n);
  char* out = nullptr;
  if (p11_kit_uri_format(uri.get(), P11_KIT_URI_FOR_OBJECT, &out) != P11_KIT_URI_OK || !out) return "pkcs11:";
  std::string s(out);
  free(out);  // allocated by p11-kit with malloc
  return s;
}

}  // namespace sshca
