// The CA's own certificates (the `openssl ca` v3_ca / v3_intermediate_ca
// sections, done through the Signer): a self-signed root and an
// intermediate signed by it. Both: basicConstraints critical CA:TRUE
// (intermediate: pathlen:0), keyUsage critical keyCertSign, cRLSign,
// digitalSignature, subjectKeyIdentifier, authorityKeyIdentifier.
#pragma once

#include <ctime>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"
#include "ca/core/x509/issuing_ca.h"

namespace sshca::x509 {

inline constexpr const char* kCaKeyUsage = "keyCertSign, cRLSign, digitalSignature";

Result<ossl::X509Ptr> createRootCertificate(const X509_NAME& subject, const Signer& signer, HashAlg hash, int days,
                                            std::time_t now, RandomSource& rng);

// The intermediate's validity must end within the root's.
Result<ossl::X509Ptr> createIntermediateCertificate(const X509_NAME& subject, const PublicKey& key,
                                                    const IssuingCa& root, int days, std::time_t now,
                                                    RandomSource& rng);

}  // namespace sshca::x509
