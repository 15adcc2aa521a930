// Certificate revocation lists (RFC 5280 5): v2, issued by the CA whose
// certificates they list, with cRLNumber, authorityKeyIdentifier and a
// reasonCode per entry (absent for "unspecified", as 5.3.1 recommends).
#pragma once

#include <ctime>
#include <span>
#include <string>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/revocation_reason.h"

namespace sshca::x509 {

struct RevokedCertificate {
  std::string serialHex;  // as serialToHex prints it
  std::time_t revokedAt = 0;
  RevocationReason reason = RevocationReason::Unspecified;
};

struct CrlParams {
  uint64_t number = 0;         // must increase from one CRL to the next
  std::time_t thisUpdate = 0;  // usually now
  int days = 7;                // nextUpdate = thisUpdate + days
};

Result<ossl::X509Crl> createCrl(const IssuingCa& ca, std::span<const RevokedCertificate> revoked,
                                const CrlParams& params);

}  // namespace sshca::x509
