#include "ca/core/x509/certificate_info.h"

#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/subject_alt_name.h"
#include "ca/core/x509/x509_time.h"

namespace sshca::x509 {

namespace {

Result<std::vector<std::string>> sanStrings(const X509& cert) {
  int crit = 0;
  ossl::GeneralNames names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&cert, NID_subject_alt_name, &crit, nullptr)));
  if (!names) return std::vector<std::string>{};
  SSHCA_ASSIGN_OR_RETURN(auto sans, subjectAltNamesFrom(names.get()));
  std::vector<std::string> out;
  for (const auto& san : sans) out.push_back(san.toString());
  return out;
}

}  // namespace

Result<CertificateInfo> describeCertificate(const X509& cert) {
  CertificateInfo info;
  SSHCA_ASSIGN_OR_RETURN(info.serialHex, serialToHex(X509_get0_serialNumber(&cert)));
  info.subject = formatDistinguishedName(X509_get_subject_name(&cert));
  info.issuer = formatDistinguishedName(X509_get_issuer_name(&cert));
  SSHCA_ASSIGN_OR_RETURN(info.subjectAltNames, sanStrings(cert));
  SSHCA_ASSIGN_OR_RETURN(info.notBefore, toUnixTime(X509_get0_notBefore(&cert)));
  SSHCA_ASSIGN_OR_RETURN(info.notAfter, toUnixTime(X509_get0_notAfter(&cert)));
  return info;
}

Status checkCertificateMatchesKey(const X509& cert, const PublicKey& key) {
  const EVP_PKEY* certKey = X509_get0_pubkey(&cert);
  if (!certKey || EVP_PKEY_eq(certKey, key.evp()) != 1)
    return makeError(ErrorCode::InvalidArgument, "the certificate does not match the key");
  return okStatus();
}

}  // namespace sshca::x509
