#include "ca/service/store/x509_record.h"

#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/x509_pem.h"

namespace sshca::store {

Result<CertificateRecord> certificateRecordOf(const X509& cert, std::string profile) {
  SSHCA_ASSIGN_OR_RETURN(x509::CertificateInfo info, x509::describeCertificate(cert));
  SSHCA_ASSIGN_OR_RETURN(std::string pem, x509::toPem(cert));
  return CertificateRecord{std::move(info.serialHex),
                           std::move(info.issuer),
                           std::move(info.subject),
                           std::move(info.subjectAltNames),
                           info.notBefore,
                           info.notAfter,
                           std::move(profile),
                           std::move(pem),
                           std::nullopt,
                           std::nullopt,
                           {},
                           std::nullopt};
}

}  // namespace sshca::store
