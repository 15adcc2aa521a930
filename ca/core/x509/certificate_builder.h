// The common skeleton of every certificate the CA issues: X.509 v3, a
// fresh random serial, names, validity and public key. Extensions and the
// signature are added by the caller (ca_certificates, leaf_certificate).
#pragma once

#include <ctime>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::x509 {

struct CertificateFields {
  const X509_NAME* subject = nullptr;     // borrowed
  const X509_NAME* issuer = nullptr;      // borrowed
  const PublicKey* subjectKey = nullptr;  // borrowed
  std::time_t notBefore = 0;
  std::time_t notAfter = 0;
};

Result<ossl::X509Ptr> newCertificate(const CertificateFields& fields, RandomSource& rng);

// notBefore/notAfter for `days` days from `now`, notBefore backdated by
// kBackdateSeconds. InvalidArgument unless 1 <= days <= 36500.
Result<std::pair<std::time_t, std::time_t>> validityFor(int days, std::time_t now);

}  // namespace sshca::x509
