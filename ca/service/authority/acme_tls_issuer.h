// The ACME server's TlsIssuer (acme/tls_issuer.h) on the X.509
// intermediate in the token, the same issuing code as `sshca pki sign-csr`
// (x509/leaf_certificate), with the issued certificate recorded where the
// CRL is made from (x509_certificates, SQLite or PostgreSQL). Kept apart so
// that the X.509 issuing function of POST /x509/sign can replace it.
#pragma once

#include <memory>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/service/acme/tls_issuer.h"
#include "ca/service/config/ca_config.h"

namespace sshca::authority {

// Opens the intermediate's key on the token named by ca.json (after
// Authority::create, which exported SOFTHSM2_CONF). `rng` is borrowed.
Result<std::unique_ptr<acme::TlsIssuer>> openAcmeTlsIssuer(const config::CaConfig& config, int64_t now,
                                                           RandomSource& rng);

}  // namespace sshca::authority
