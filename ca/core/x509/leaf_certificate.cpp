#include "ca/core/x509/leaf_certificate.h"

#include "ca/core/x509/certificate_builder.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/x509_extensions.h"
#include "ca/core/x509/x509_signing.h"

namespace sshca::x509 {

namespace {

constexpr size_t kMaxCommonName = 64;  // ub-common-name, RFC 5280 A.1
constexpr int kMinRsaBits = 2048;

Status checkRequest(const LeafRequest& r) {
  if (r.commonName.empty()) return makeError(ErrorCode::InvalidArgument, "the request has no subject CN");
  if (r.commonName.size() > kMaxCommonName)
    return makeError(ErrorCode::InvalidArgument, "the subject CN is longer than 64 characters");
  if (r.profile == LeafProfile::Server && r.subjectAltNames.empty())
    return makeError(ErrorCode::InvalidArgument,
                     "a server certificate needs at least one DNS or IP subject alternative name (--san DNS:host)");
  if (r.key.algorithm() == KeyAlgorithm::Rsa && r.key.bits() < kMinRsaBits)
    return makeError(ErrorCode::Unsupported, "RSA keys under 2048 bits are not certified");
  return okStatus();
}

Result<ossl::X509Name> subjectFor(const std::string& commonName) {
  ossl::X509Name name(X509_NAME_new());
  if (!name || X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char*>(commonName.data()),
                                          static_cast<int>(commonName.size()), -1, 0) != 1)
    return ossl::error("building the subject");
  return name;
}

Status addLeafExtensions(X509& cert, const LeafRequest& r, const X509& issuer) {
  SSHCA_RETURN_IF_ERROR(addBasicConstraints(cert, false));
  // RSA key transport (TLS 1.2 RSA key exchange) needs keyEncipherment.
  SSHCA_RETURN_IF_ERROR(addKeyUsage(
      cert, r.key.algorithm() == KeyAlgorithm::Rsa ? "digitalSignature, keyEncipherment" : "digitalSignature"));
  SSHCA_RETURN_IF_ERROR(addExtendedKeyUsage(cert, r.profile == LeafProfile::Server ? "serverAuth" : "clientAuth"));
  SSHCA_RETURN_IF_ERROR(addSubjectKeyId(cert));
  SSHCA_RETURN_IF_ERROR(addAuthorityKeyId(cert, issuer));
  return addSubjectAltNames(cert, r.subjectAltNames);
}

Result<std::pair<std::time_t, std::time_t>> validityOf(const LeafRequest& r, std::time_t now) {
  if (!r.validity) return validityFor(r.days, now);
  if (r.validity->second <= r.validity->first)
    return makeError(ErrorCode::InvalidArgument, "the certificate's validity ends before it starts");
  return *r.validity;
}

}  // namespace

Result<LeafProfile> parseLeafProfile(std::string_view name) {
  if (name == "server") return LeafProfile::Server;
  if (name == "client") return LeafProfile::Client;
  return makeError(ErrorCode::InvalidArgument, "unknown profile '" + std::string(name) + "' (server or client)");
}

std::string_view leafProfileName(LeafProfile profile) { return profile == LeafProfile::Server ? "server" : "client"; }

Result<LeafRequest> leafRequestFrom(const RequestContents& csr, LeafProfile profile, int days,
                                    const std::optional<std::vector<SubjectAltName>>& sans) {
  if (csr.requestsCa)
    return makeError(ErrorCode::PermissionDenied,
                     "the request asks for CA:TRUE; this command issues end-entity certificates only");
  return LeafRequest{profile, commonNameOf(csr.subject.get()), sans ? *sans : csr.subjectAltNames, csr.key, days, {}};
}

Result<ossl::X509Ptr> issueLeafCertificate(const LeafRequest& r, const IssuingCa& ca, std::time_t now,
                                           RandomSource& rng) {
  SSHCA_RETURN_IF_ERROR(checkRequest(r));
  SSHCA_ASSIGN_OR_RETURN(auto validity, validityOf(r, now));
  SSHCA_RETURN_IF_ERROR(ca.checkWithin(validity.second));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Name subject, subjectFor(r.commonName));
  CertificateFields fields{subject.get(), X509_get_subject_name(&ca.certificate()), &r.key, validity.first,
                           validity.second};
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, newCertificate(fields, rng));
  SSHCA_RETURN_IF_ERROR(addLeafExtensions(*cert, r, ca.certificate()));
  return signCertificate(*cert, ca.signer(), ca.hash());
}

}  // namespace sshca::x509
