#include "ca/service/authority/acme_tls_issuer.h"

#include <mutex>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/leaf_certificate.h"
#include "ca/core/x509/revocation_reason.h"
#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/store/store_factory.h"
#include "ca/service/store/x509_record.h"

namespace sshca::authority {
namespace {

constexpr int64_t kDay = 24 * 3600;

class HsmTlsIssuer final : public acme::TlsIssuer {
 public:
  HsmTlsIssuer(std::unique_ptr<KeyManager> keys, x509::IssuingCa ca, std::string intermediatePem,
               std::unique_ptr<store::CertificateStore> records, RandomSource& rng)
      : keys_(std::move(keys)),
        ca_(std::move(ca)),
        intermediatePem_(std::move(intermediatePem)),
        records_(std::move(records)),
        rng_(rng) {}

  Result<acme::IssuedTls> issue(const acme::TlsIssueRequest& r) override {
    SSHCA_ASSIGN_OR_RETURN(ossl::X509Req req, x509::requestFromPemOrDer(asString(r.csrDer)));
    SSHCA_ASSIGN_OR_RETURN(x509::RequestContents csr, x509::readCertificateRequest(*req));
    std::vector<x509::SubjectAltName> sans;
    for (const auto& n : r.names) sans.push_back({x509::SubjectAltName::Kind::Dns, n});
    SSHCA_ASSIGN_OR_RETURN(x509::LeafRequest leaf, x509::leafRequestFrom(csr, x509::LeafProfile::Server, 1, sans));
    leaf.commonName = r.names.front();
    leaf.days = static_cast<int>((static_cast<int64_t>(r.validitySeconds) + kDay - 1) / kDay);
    SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, x509::issueLeafCertificate(leaf, ca_, r.now, rng_));
    SSHCA_ASSIGN_OR_RETURN(store::CertificateRecord record, store::certificateRecordOf(*cert, "server"));
    if (records_) {
      std::lock_guard lock(mu_);
      SSHCA_RETURN_IF_ERROR(records_->addCertificate(record));
    }
    SSHCA_ASSIGN_OR_RETURN(std::string leafPem, x509::toPem(*cert));
    return acme::IssuedTls{leafPem + intermediatePem_, record.serialHex, static_cast<int64_t>(record.notAfter)};
  }

  Status revoke(const std::string& serialHex, int reasonCode, int64_t at) override {
    if (!records_) return okStatus();
    SSHCA_ASSIGN_OR_RETURN(x509::RevocationReason reason, x509::revocationReasonFromCode(reasonCode));
    std::lock_guard lock(mu_);
    Status st = records_->revoke(serialHex, static_cast<std::time_t>(at), reason);
    if (!st.ok() && st.error().code == ErrorCode::AlreadyExists) return okStatus();
    return st;
  }

 private:
  std::unique_ptr<KeyManager> keys_;  // keeps the token open for the signer
  x509::IssuingCa ca_;
  std::string intermediatePem_;
  std::mutex mu_;
  std::unique_ptr<store::CertificateStore> records_;
  RandomSource& rng_;
};

}  // namespace

Result<std::unique_ptr<acme::TlsIssuer>> openAcmeTlsIssuer(const config::CaConfig& config, int64_t now,
                                                           RandomSource& rng) {
  if (config.x509.intermediateCert.empty() || config.x509.intermediateKey.empty())
    return makeError(ErrorCode::InvalidArgument,
                     "ACME needs x509.intermediateCert and x509.intermediateKey in ca.json");
  SSHCA_ASSIGN_OR_RETURN(std::string pem, readFile(config.x509.intermediateCert));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr cert, x509::certificateFromPemOrDer(pem));
  SSHCA_ASSIGN_OR_RETURN(std::string intermediatePem, x509::toPem(*cert));
  SSHCA_ASSIGN_OR_RETURN(KmsUri kms, parseKmsUri(config.kms));
  auto opened = openPkcs11KeyManager(kms, Pkcs11Options{});
  if (!opened.ok()) return std::move(opened).error().context("opening the token for the X.509 intermediate");
  std::unique_ptr<KeyManager> keys = std::move(opened).value();
  SSHCA_ASSIGN_OR_RETURN(auto ref, parseKeyUri(config.x509.intermediateKey));
  SSHCA_ASSIGN_OR_RETURN(SignerPtr signer, keys->createSigner(ref));
  SSHCA_ASSIGN_OR_RETURN(x509::IssuingCa ca, x509::IssuingCa::create(std::move(cert), std::move(signer), now));
  SSHCA_ASSIGN_OR_RETURN(std::unique_ptr<store::CertificateStore> records, store::openCertificateStore(config.db, 2));
  return std::unique_ptr<acme::TlsIssuer>(std::make_unique<HsmTlsIssuer>(
      std::move(keys), std::move(ca), std::move(intermediatePem), std::move(records), rng));
}

}  // namespace sshca::authority
