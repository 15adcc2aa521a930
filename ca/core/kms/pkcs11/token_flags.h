// CK_TOKEN_INFO flags in words, for messages and `sshca hsm status`.
#pragma once

#include <string>

#include <p11-kit/pkcs11.h>

namespace sshca::pkcs11 {

// The PIN state of the user (so=false) or SO PIN: "PIN count low, final try"
// or "ok". Words match what people see in pkcs11-tool -L.
std::string describePinFlags(CK_FLAGS flags, bool so);

// Every flag of interest: "token initialized, user PIN initialized, login required, ...".
std::string describeTokenFlags(CK_FLAGS flags);

}  // namespace sshca::pkcs11
