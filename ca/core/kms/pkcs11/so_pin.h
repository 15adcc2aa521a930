// SO-PIN forms. SmartCard-HSM, Nitrokey HSM and Pico HSM (OpenSC's sc-hsm
// driver) take the SO-PIN as 16 hex digits through PKCS#11: the 8-byte
// initialization code. Their documentation also gives it as 8 characters
// (default "57621880"), which is the same code in ASCII: "57621880" is
// hex "3537363231383830". A wrong form is a wrong PIN that costs one of
// the 15 SO tries, so the form is checked before anything reaches the token.
// Other tokens (SoftHSM2) take the SO-PIN as it is.
#pragma once

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::pkcs11 {

// True for tokens served by OpenSC's sc-hsm driver.
bool isScHsmToken(const CK_TOKEN_INFO& info);

// For sc-hsm tokens: 16 hex digits pass unchanged, 8 characters become the
// hex of their ASCII bytes, anything else is InvalidArgument (naming the
// expected form). Other tokens: unchanged.
Result<SecretBytes> soPinForToken(const SecretBytes& soPin, const CK_TOKEN_INFO& info);

}  // namespace sshca::pkcs11
