#include "ca/core/x509/ca_certificates.h"

#include "ca/core/x509/certificate_builder.h"
#include "ca/core/x509/x509_extensions.h"
#include "ca/core/x509/x509_signing.h"

namespace sshca::x509 {

namespace {

// Intermediates may sign only end-entity certificates.
constexpr int kIntermediatePathLen = 0;

Status addCaExtensions(X509& cert, const X509& issuer, std::optional<int> pathLen) {
  SSHCA_RETURN_IF_ERROR(addBasicConstraints(cert, true, pathLen));
  SSHCA_RETURN_IF_ERROR(addKeyUsage(cert, kCaKeyUsage));
  SSHCA_RETURN_IF_ERROR(addSubjectKeyId(cert));
  return addAuthorityKeyId(cert, issuer);
}

}  // namespace

Result<ossl::X509Ptr> createRootCertificate(const X509_NAME& subject, const Signer& signer, HashAlg hash, int days,
                                            std::time_t now, RandomSource& rng) {
  SSHCA_ASSIGN_OR_RETURN(auto validity, validityFor(days, now));
  CertificateFields fields{&subject, &subject, &signer.publicKey(), validity.first, validity.second};
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, newCertificate(fields, rng));
  // Self-signed: the authority key identifier is the certificate's own.
  SSHCA_RETURN_IF_ERROR(addCaExtensions(*cert, *cert, std::nullopt));
  return signCertificate(*cert, signer, hash);
}

Result<ossl::X509Ptr> createIntermediateCertificate(const X509_NAME& subject, const PublicKey& key,
                                                    const IssuingCa& root, int days, std::time_t now,
                                                    RandomSource& rng) {
  SSHCA_ASSIGN_OR_RETURN(auto validity, validityFor(days, now));
  SSHCA_RETURN_IF_ERROR(root.checkWithin(validity.second));
  CertificateFields fields{&subject, X509_get_subject_name(&root.certificate()), &key, validity.first, validity.second};
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, newCertificate(fields, rng));
  SSHCA_RETURN_IF_ERROR(addCaExtensions(*cert, root.certificate(), kIntermediatePathLen));
  return signCertificate(*cert, root.signer(), root.hash());
}

}  // namespace sshca::x509
