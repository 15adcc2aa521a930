// CRLs: v2, number, authority key id, reason codes, and a revoked
// certificate failing chain verification with CRL checking.
#include <catch2/catch.hpp>

#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/crl.h"
#include "ca/core/x509/leaf_certificate.h"
#include "ca/core/x509/serial_number.h"
#include "tests/unit/support/test_csr.h"
#include "tests/unit/support/x509_test_pki.h"
#include "tests/unit/support/x509_verify.h"

using namespace sshca;
using sshca::test::EvpTestSigner;
using sshca::test::must;
using sshca::test::TestPki;

namespace {

ossl::X509Ptr serverCert(const TestPki& pki, const char* host) {
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  sshca::test::CsrOptions o;
  o.commonName = host;
  o.sans = std::string("DNS:") + host;
  auto req = sshca::test::makeCsr(*key, o);
  auto contents = must(x509::readCertificateRequest(*req));
  auto request = must(x509::leafRequestFrom(contents, x509::LeafProfile::Server, 30, std::nullopt));
  return must(x509::issueLeafCertificate(request, pki.intermediateCa(), pki.now, systemRandom()));
}

}  // namespace

TEST_CASE("CrlIsV2WithNumberAuthorityKeyIdAndReasons", "[x509]") {
  TestPki pki;
  std::vector<x509::RevokedCertificate> revoked{
      {"4ABC", pki.now - 60, x509::RevocationReason::KeyCompromise},
      {"1234", pki.now - 30, x509::RevocationReason::Unspecified},
  };
  auto crl = must(x509::createCrl(pki.intermediateCa(), revoked, {42, pki.now, 7}));
  CHECK(X509_CRL_get_version(crl.get()) == X509_CRL_VERSION_2);
  ossl::Asn1Integer number(
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr)));
  REQUIRE(number);
  CHECK(ASN1_INTEGER_get(number.get()) == 42);
  CHECK(X509_CRL_get_ext_by_NID(crl.get(), NID_authority_key_identifier, -1) >= 0);
  CHECK(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(pki.intermediate.get())) == 0);
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
  REQUIRE(sk_X509_REVOKED_num(entries) == 2);
  for (int i = 0; i < 2; ++i) {
    const X509_REVOKED* e = sk_X509_REVOKED_value(entries, i);
    std::string serial = must(x509::serialToHex(X509_REVOKED_get0_serialNumber(e)));
    ossl::Asn1Enumerated reason(
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(e, NID_crl_reason, nullptr, nullptr)));
    if (serial == "4ABC") {
      REQUIRE(reason);
      CHECK(ASN1_ENUMERATED_get(reason.get()) == 1);
    } else {
      CHECK_FALSE(reason);  // unspecified: the extension is left out
    }
  }
  CHECK(X509_CRL_verify(crl.get(), X509_get0_pubkey(pki.intermediate.get())) == 1);
}

TEST_CASE("RevokedCertificateFailsVerificationWithCrlCheck", "[x509]") {
  TestPki pki;
  auto revoked = serverCert(pki, "revoked.example.com");
  auto good = serverCert(pki, "good.example.com");
  std::vector<x509::RevokedCertificate> list{
      {must(x509::describeCertificate(*revoked)).serialHex, pki.now, x509::RevocationReason::Superseded}};
  auto crl = must(x509::createCrl(pki.intermediateCa(), list, {1, pki.now, 7}));
  CHECK(sshca::test::verifyChain(pki.root.get(), pki.intermediate.get(), revoked.get(), crl.get()) ==
        X509_V_ERR_CERT_REVOKED);
  CHECK(sshca::test::verifyChain(pki.root.get(), pki.intermediate.get(), good.get(), crl.get()) == X509_V_OK);
}

TEST_CASE("CrlRefusesNumberZeroAndSillyLifetimes", "[x509]") {
  TestPki pki;
  CHECK_FALSE(x509::createCrl(pki.intermediateCa(), {}, {0, pki.now, 7}).ok());
  CHECK_FALSE(x509::createCrl(pki.intermediateCa(), {}, {1, pki.now, 0}).ok());
  CHECK(x509::createCrl(pki.intermediateCa(), {}, {1, pki.now, 1}).ok());
}
