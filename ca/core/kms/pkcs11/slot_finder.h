// Finds the slot holding the token a kms URI names. Slot numbers are not
// stable (SoftHSM2 makes them random, readers reorder), so tokens are found
// by label and/or serial; a slot-id in the URI must also match them.
#pragma once

#include <vector>

#include <p11-kit/pkcs11.h>

#include "ca/core/common/result.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"

namespace sshca::pkcs11 {

struct SlotToken {
  CK_SLOT_ID slot;
  CK_TOKEN_INFO info;
};

// Slots with a token present, and their token info.
Result<std::vector<SlotToken>> listTokens(const Module& module);

// NotFound (naming the labels seen) if no token matches; InvalidArgument if
// several do.
Result<SlotToken> findToken(const Module& module, const KmsUri& uri);

// CK_TOKEN_INFO text fields are fixed-size and space-padded.
std::string tokenField(const unsigned char* p, size_t n);
#define SSHCA_TOKEN_FIELD(info, field) ::sshca::pkcs11::tokenField((info).field, sizeof((info).field))

Result<CK_TOKEN_INFO> tokenInfo(const Module& module, CK_SLOT_ID slot);

}  // namespace sshca::pkcs11
