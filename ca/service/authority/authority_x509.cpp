// POST /x509/sign: a host proves its current SSH host certificate (SSHPOP,
// the token bound to this endpoint) and gets a TLS server certificate for
// names its principals cover, signed by the X.509 intermediate on the
// token. The proof is the provisioner's; that the host certificate is on
// record, unrevoked and the newest of its chain is checked here against
// the database; the names and the validity are policy's
// (policy/tls_policy.h). issueTlsCertificate is the one path every online
// TLS certificate takes (ACME's finalize too).
#include <algorithm>

#include "ca/core/common/ascii_case.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/authority/authority.h"
#include "ca/service/authority/issued_record.h"
#include "ca/service/authority/request_time.h"
#include "ca/service/store/x509_record.h"

namespace sshca::authority {
namespace {

constexpr const char* kX509SignEndpoint = "/1.0/x509/sign";
constexpr const char* kServerProfile = "server";

Error notIssuing() {
  return makeError(ErrorCode::Unsupported,
                   "this CA issues no TLS certificates online (no X.509 intermediate key in ca.json, or a "
                   "database that does not record them)");
}

// The request as the CA reads it: its self-signature verified, its names
// checked (x509::readCertificateRequest). Caller bytes: refused, never trusted.
Result<x509::RequestContents> readRequest(const std::string& pem) {
  auto req = x509::requestFromPemOrDer(pem);
  if (!req.ok()) return makeError(ErrorCode::InvalidArgument, "field \"csr\": " + req.error().message);
  auto contents = x509::readCertificateRequest(**req);
  if (!contents.ok()) {
    Error e = std::move(contents).error();
    if (e.code == ErrorCode::CryptoFailure) e.code = ErrorCode::InvalidArgument;
    return e.context("field \"csr\"");
  }
  return std::move(contents).value();
}

bool listed(const std::vector<x509::SubjectAltName>& names, const x509::SubjectAltName& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The CN names one of the certified names: the request's when it is one
// of them (any case), else the first.
std::string commonNameFor(const x509::RequestContents& csr, const std::vector<x509::SubjectAltName>& names) {
  std::string cn = x509::commonNameOf(csr.subject.get());
  const std::string folded = asciiLower(cn);
  for (const auto& n : names)
    if (n.value == folded || n.value == cn) return n.value;
  return names.front().value;
}

}  // namespace

Result<ossl::X509Ptr> Authority::signTlsLeaf(const x509::LeafRequest& request, int64_t now) {
  auto cert = x509::issueLeafCertificate(request, *intermediate_, static_cast<std::time_t>(now), rng_);
  if (!cert.ok()) return std::move(cert).error().context("signing the TLS certificate");
  return std::move(cert).value();
}

Result<api::X509Certificate> Authority::issueTlsCertificate(const x509::RequestContents& csr,
                                                            const std::vector<x509::SubjectAltName>& authorisedNames,
                                                            std::pair<std::time_t, std::time_t> validity,
                                                            const TlsIssuedTo& issuedTo) {
  if (!intermediate_ || !certificates_) return notIssuing();
  if (authorisedNames.empty()) return makeError(ErrorCode::InvalidArgument, "no name to certify");
  for (const auto& asked : csr.subjectAltNames)
    if (!listed(authorisedNames, asked))
      return makeError(ErrorCode::PermissionDenied, asked.toString() + " is not authorised for this request");
  SSHCA_ASSIGN_OR_RETURN(x509::LeafRequest leaf,
                         x509::leafRequestFrom(csr, x509::LeafProfile::Server, 1, authorisedNames));
  leaf.commonName = commonNameFor(csr, authorisedNames);
  leaf.validity = validity;
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, signTlsLeaf(leaf, clock_()));
  SSHCA_ASSIGN_OR_RETURN(store::CertificateRecord row, store::certificateRecordOf(*cert, kServerProfile));
  row.provisioner = issuedTo.provisioner;
  row.sshSerial = issuedTo.sshSerial;
  // Nothing signed leaves unrecorded: a failed insert (a token spent by a
  // request racing this one above all) drops the certificate.
  Status recorded = issuedTo.spends ? certificates_->addCertificateSpending(row, *issuedTo.spends)
                                    : certificates_->addCertificate(row);
  noteCommit(recorded);
  if (!recorded.ok()) return std::move(recorded).error().context("recording the TLS certificate");
  SSHCA_ASSIGN_OR_RETURN(std::string chain, x509::toPem(intermediate_->certificate()));
  return api::X509Certificate{
      std::move(row.pem), {std::move(chain)}, row.serialHex, issuedTo.provisioner, issuedTo.subject};
}

Status Authority::revokeTlsCertificate(const std::string& serialHex, x509::RevocationReason reason, std::time_t at) {
  if (!certificates_) return notIssuing();
  return certificates_->revoke(serialHex, at, reason);
}

// Refusals first, each before the token is spent or the HSM asked: a
// malformed request, a token that proves nothing (wrong endpoint, revoked
// or replaced certificate), names the principals do not cover, a denied
// host (`sshca deny`: its subject, key ID or key), a spent token (a replay
// costs a read, not a signature). The token is spent in the transaction
// that records the certificate: both or neither.
Result<api::X509Certificate> Authority::signX509(const api::X509SignRequest& request) {
  const int64_t now = clock_();
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(request.clientAddress));
  if (!intermediate_ || !certificates_) return notIssuing();
  SSHCA_ASSIGN_OR_RETURN(x509::RequestContents csr, readRequest(request.csrPem));
  if (csr.requestsCa)
    return makeError(ErrorCode::PermissionDenied,
                     "the request asks for CA:TRUE; only end-entity TLS certificates are issued");
  SSHCA_ASSIGN_OR_RETURN(auto notAfter, parseRequestTime(request.notAfter, now, "notAfter"));
  SSHCA_ASSIGN_OR_RETURN(Proven proven, proveCertificate(request.ott, kX509SignEndpoint,
                                                         &provisioners::Provisioner::authorizeX509Sign, now));
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitProvisioner(request.clientAddress, proven.provisioner->name()));
  const ssh::Certificate& host = proven.proof.certificate;
  const policy::TlsPolicy& tls = proven.provisioner->tlsPolicy();
  SSHCA_ASSIGN_OR_RETURN(
      auto names, policy::authorisedTlsNames(host, csr.subjectAltNames, x509::commonNameOf(csr.subject.get()), tls));
  SSHCA_ASSIGN_OR_RETURN(auto validity, policy::tlsValidity(host, notAfter, tls, now));
  const policy::Identity& who = proven.proof.identity;
  SSHCA_RETURN_IF_ERROR(checkNotDenied(who, host.keyId, host.key));
  SSHCA_RETURN_IF_ERROR(refuseSpentToken(who, now));
  return issueTlsCertificate(csr, names, validity, {who.provisioner, host.serial, who.subject, makeTokenUse(who, now)});
}

}  // namespace sshca::authority
