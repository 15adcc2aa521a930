// The attributes every sshca key pair gets, generated or imported: the
// private key stays on the token (token object, private, sensitive, never
// extractable, may only sign); the public key object shares label and id.
#pragma once

#include "ca/core/kms/key_manager.h"
#include "ca/core/kms/pkcs11/attribute_template.h"

namespace sshca::pkcs11 {

void addPrivateKeyPolicy(AttributeTemplate& t, const KeyRef& ref);
void addPublicKeyPolicy(AttributeTemplate& t, const KeyRef& ref);

}  // namespace sshca::pkcs11
