#include "ca/service/authority/acme_tls_issuer.h"

#include "ca/core/x509/certificate_builder.h"
#include "ca/core/x509/revocation_reason.h"

namespace sshca::authority {
namespace {

constexpr int64_t kDay = 24 * 3600;

class AuthorityTlsIssuer final : public acme::TlsIssuer {
 public:
  explicit AuthorityTlsIssuer(Authority& authority) : authority_(authority) {}

  // The order's names are authorised already (its validated
  // authorizations); the validity is the provisioner's, in whole days.
  Result<acme::IssuedTls> issue(const acme::TlsIssueRequest& r) override {
    std::vector<x509::SubjectAltName> names;
    for (const auto& n : r.names) names.push_back({x509::SubjectAltName::Kind::Dns, n});
    const int days = static_cast<int>((static_cast<int64_t>(r.validitySeconds) + kDay - 1) / kDay);
    SSHCA_ASSIGN_OR_RETURN(auto validity, x509::validityFor(days, static_cast<std::time_t>(r.now)));
    SSHCA_ASSIGN_OR_RETURN(
        api::X509Certificate issued,
        authority_.issueTlsCertificate(r.csr, names, validity, {r.provisioner, std::nullopt, "", std::nullopt}));
    std::string chain = std::move(issued.certificatePem);
    for (const auto& pem : issued.chainPem) chain += pem;
    return acme::IssuedTls{std::move(chain), issued.serialHex, static_cast<int64_t>(validity.second)};
  }

  // A revocation the X.509 record has already is not an error here: the
  // ACME row is what says whether the certificate was revoked before.
  Status revoke(const std::string& serialHex, int reasonCode, int64_t at) override {
    SSHCA_ASSIGN_OR_RETURN(x509::RevocationReason reason, x509::revocationReasonFromCode(reasonCode));
    Status st = authority_.revokeTlsCertificate(serialHex, reason, static_cast<std::time_t>(at));
    if (!st.ok() && st.error().code == ErrorCode::AlreadyExists) return okStatus();
    return st;
  }

 private:
  Authority& authority_;
};

}  // namespace

std::unique_ptr<acme::TlsIssuer> acmeTlsIssuer(Authority& authority) {
  return std::make_unique<AuthorityTlsIssuer>(authority);
}

}  // namespace sshca::authority
