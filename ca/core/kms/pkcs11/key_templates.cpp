#include "ca/core/kms/pkcs11/key_templates.h"

namespace sshca::pkcs11 {

static void addName(AttributeTemplate& t, const KeyRef& ref) {
  t.addString(CKA_LABEL, ref.label);
  t.add(CKA_ID, ref.id);
}

void addPrivateKeyPolicy(AttributeTemplate& t, const KeyRef& ref) {
  addName(t, ref);
  t.addBool(CKA_TOKEN, true)
      .addBool(CKA_PRIVATE, true)
      .addBool(CKA_SENSITIVE, true)
      .addBool(CKA_EXTRACTABLE, false)
      .addBool(CKA_SIGN, true)
      .addBool(CKA_DECRYPT, false)
      .addBool(CKA_UNWRAP, false)
      .addBool(CKA_DERIVE, false);
}

void addPublicKeyPolicy(AttributeTemplate& t, const KeyRef& ref) {
  addName(t, ref);
  t.addBool(CKA_TOKEN, true).addBool(CKA_PRIVATE, false).addBool(CKA_VERIFY, true);
}

}  // namespace sshca::pkcs11
