// The service's own TLS certificate, issued by the intermediate (signed on
// the token) for the names clients use to reach the CA.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/subject_alt_name.h"

namespace sshca::setup {

inline constexpr int kServerCertificateDays = 90;

// "localhost", "ca.example.com", "127.0.0.1", "::1": addresses become IP
// SANs, everything else DNS SANs (checked by x509::checkDnsName).
Result<std::vector<x509::SubjectAltName>> subjectAltNamesFor(const std::vector<std::string>& names);

// CN = the first name; serverAuth; `days` capped by nothing but the
// intermediate's own validity (issueLeafCertificate refuses beyond it).
Result<ossl::X509Ptr> issueServerCertificate(const x509::IssuingCa& intermediate, const std::vector<std::string>& names,
                                             const PublicKey& key, int days, std::time_t now, RandomSource& rng);

}  // namespace sshca::setup
