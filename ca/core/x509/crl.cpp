#include "ca/core/x509/crl.h"

#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/x509_extensions.h"
#include "ca/core/x509/x509_signing.h"
#include "ca/core/x509/x509_time.h"

namespace sshca::x509 {

namespace {

constexpr int kMaxCrlDays = 366;

Status addReason(X509_REVOKED& entry, RevocationReason reason) {
  if (reason == RevocationReason::Unspecified) return okStatus();
  ossl::Asn1Enumerated code(ASN1_ENUMERATED_new());
  if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(reason)) != 1 ||
      X509_REVOKED_add1_ext_i2d(&entry, NID_crl_reason, code.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding reasonCode");
  return okStatus();
}

Status addEntry(X509_CRL& crl, const RevokedCertificate& r) {
  ossl::X509Revoked entry(X509_REVOKED_new());
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Integer serial, serialFromHex(r.serialHex));
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Time when, fromUnixTime(r.revokedAt));
  if (!entry || X509_REVOKED_set_serialNumber(entry.get(), serial.get()) != 1 ||
      X509_REVOKED_set_revocationDate(entry.get(), when.get()) != 1)
    return ossl::error("building a CRL entry");
  SSHCA_RETURN_IF_ERROR(addReason(*entry, r.reason));
  if (X509_CRL_add0_revoked(&crl, entry.get()) != 1) return ossl::error("adding a CRL entry");
  (void)entry.release();  // owned by the CRL now
  return okStatus();
}

Status setTimes(X509_CRL& crl, const CrlParams& p) {
  if (p.days < 1 || p.days > kMaxCrlDays)
    return makeError(ErrorCode::InvalidArgument, "--days for a CRL must be between 1 and 366");
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Time thisUpdate, fromUnixTime(p.thisUpdate));
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1Time nextUpdate, fromUnixTime(p.thisUpdate + p.days * kSecondsPerDay));
  if (X509_CRL_set1_lastUpdate(&crl, thisUpdate.get()) != 1 || X509_CRL_set1_nextUpdate(&crl, nextUpdate.get()) != 1)
    return ossl::error("setting the CRL's update times");
  return okStatus();
}

}  // namespace

Result<ossl::X509Crl> createCrl(const IssuingCa& ca, std::span<const RevokedCertificate> revoked,
                                const CrlParams& params) {
  if (params.number == 0) return makeError(ErrorCode::InvalidArgument, "CRL numbers start at 1");
  if ((X509_get_extension_flags(&ca.certificate()) & EXFLAG_KUSAGE) &&
      !(X509_get_key_usage(&ca.certificate()) & KU_CRL_SIGN))
    return makeError(ErrorCode::InvalidArgument, "the CA certificate's keyUsage lacks cRLSign");
  ossl::X509Crl crl(X509_CRL_new());
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(&ca.certificate())) != 1)
    return ossl::error("starting the CRL");
  SSHCA_RETURN_IF_ERROR(setTimes(*crl, params));
  for (const RevokedCertificate& r : revoked) SSHCA_RETURN_IF_ERROR(addEntry(*crl, r));
  if (X509_CRL_sort(crl.get()) != 1) return ossl::error("sorting the CRL");
  SSHCA_RETURN_IF_ERROR(addCrlAuthorityKeyId(*crl, ca.certificate()));
  SSHCA_RETURN_IF_ERROR(addCrlNumber(*crl, params.number));
  return signCrl(*crl, ca.signer(), ca.hash());
}

}  // namespace sshca::x509
