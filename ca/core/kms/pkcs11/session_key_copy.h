// The handle a signature is made with. SoftHSM2 keeps each token object in
// a file and reads it again (open, lock, stat, read, unlock, close) every
// time the object is used, so a C_SignInit on a token key costs a dozen
// system calls: about a tenth of the CA's CPU per certificate. A copy of
// the key as a session object stays in SoftHSM2's memory, protected as the
// token object is (sensitive, not extractable, private), and ends with the
// session that made it: the token connection's login session, so a token
// that goes away and comes back gets fresh copies of the keys it is found
// with again.
//
// Other modules sign with the token object itself: a hardware token gains
// nothing from a copy, and some refuse copies of private keys or audit them.
// A module that refuses the copy (CKA_COPYABLE false, no C_CopyObject) also
// signs with the token object, until the token is found again.
//
// A copy keeps the attributes the key had when it was made: an admin who
// changes the token object later (CKA_SIGN false) is heard after the token
// is found again or sshca restarts. A key deleted from the token is noticed
// by Token::lease's periodic check of the token object.
#pragma once

#include <p11-kit/pkcs11.h>

#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

// True for SoftHSM2 (its C_GetInfo manufacturer).
bool isSoftHsm(const Module& module);

// A session copy of `key` made on `session` when the module is SoftHSM2 and
// allows it, else `key`.
CK_OBJECT_HANDLE keyForSigning(const Session& session, CK_OBJECT_HANDLE key);

}  // namespace sshca::pkcs11
