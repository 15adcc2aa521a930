// CRLReason (RFC 5280 5.3.1), with the names `openssl ca -crl_reason` uses.
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::x509 {

enum class RevocationReason : int {
  Unspecified = 0,
  KeyCompromise = 1,
  CaCompromise = 2,
  AffiliationChanged = 3,
  Superseded = 4,
  CessationOfOperation = 5,
  CertificateHold = 6,
  // 7 is unused; removeFromCRL (8) is only meaningful in delta CRLs.
  PrivilegeWithdrawn = 9,
  AaCompromise = 10,
};

// Case-insensitive; '-' and '_' ignored: "keyCompromise", "key-compromise".
Result<RevocationReason> parseRevocationReason(std::string_view name);
std::string_view revocationReasonName(RevocationReason reason);
Result<RevocationReason> revocationReasonFromCode(int code);

}  // namespace sshca::x509
