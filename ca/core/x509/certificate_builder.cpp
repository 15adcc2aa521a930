#include "ca/core/x509/certificate_builder.h"

#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/x509_time.h"

namespace sshca::x509 {

namespace {

constexpr int kMaxDays = 36500;

Status setValidity(X509& cert, std::time_t notBefore, std::time_t notAfter) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Time nb, fromUnixTime(notBefore));
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Time na, fromUnixTime(notAfter));
  if (X509_set1_notBefore(&cert, nb.get()) != 1 || X509_set1_notAfter(&cert, na.get()) != 1)
    return ossl::error("setting the validity");
  return okStatus();
}

}  // namespace

Result<ossl::X509Ptr> newCertificate(const CertificateFields& f, RandomSource& rng) {
  if (!f.subject || !f.issuer || !f.subjectKey) return makeError(ErrorCode::Internal, "certificate fields missing");
  if (f.notAfter <= f.notBefore) return makeError(ErrorCode::InvalidArgument, "notAfter is not after notBefore");
  ossl::X509Ptr cert(X509_new());
  if (!cert) return ossl::error("X509_new");
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Integer serial, randomSerial(rng));
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 || X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_set_subject_name(cert.get(), f.subject) != 1 || X509_set_issuer_name(cert.get(), f.issuer) != 1 ||
      X509_set_pubkey(cert.get(), f.subjectKey->evp()) != 1)
    return ossl::error("filling in the certificate");
  SSHCA_RETURN_IF_ERROR(setValidity(*cert, f.notBefore, f.notAfter));
  return cert;
}

Result<std::pair<std::time_t, std::time_t>> validityFor(int days, std::time_t now) {
  if (days < 1 || days > kMaxDays)
    return makeError(ErrorCode::InvalidArgument, "--days must be between 1 and " + std::to_string(kMaxDays));
  return std::pair{now - kBackdateSeconds, now + static_cast<std::time_t>(days) * kSecondsPerDay};
}

}  // namespace sshca::x509
