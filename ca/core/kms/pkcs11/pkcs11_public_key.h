// The public half of a key on the token, from its attributes.
#pragma once

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

// From a public key object (CKA_EC_PARAMS + CKA_EC_POINT, CKA_MODULUS +
// CKA_PUBLIC_EXPONENT) or an RSA private key object (whose public
// attributes are readable even when sensitive).
Result<PublicKey> readPublicKey(const Session& s, CK_OBJECT_HANDLE obj);

// The public key object belonging to a private key: same CKA_ID, else same
// CKA_LABEL; for RSA the private key itself will do. NotFound otherwise.
Result<PublicKey> publicKeyOfPrivate(const Session& s, CK_OBJECT_HANDLE priv);

}  // namespace sshca::pkcs11
