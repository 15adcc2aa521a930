// Server and client certificates from requests: extensions, names, chain,
// and the refusals (CA:TRUE, bad signature, no SAN, too long).
#include <catch2/catch.hpp>

#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/leaf_certificate.h"
#include "tests/unit/support/test_csr.h"
#include "tests/unit/support/x509_test_pki.h"
#include "tests/unit/support/x509_verify.h"

using namespace sshca;
using sshca::test::CsrOptions;
using sshca::test::EvpTestSigner;
using sshca::test::must;
using sshca::test::TestPki;

namespace {

Result<ossl::X509Ptr> issueFromCsr(const TestPki& pki, X509_REQ& req, x509::LeafProfile profile, int days = 90,
                                   std::optional<std::vector<x509::SubjectAltName>> sans = std::nullopt) {
  SSHCA_ASSIGN_OR_RETURN(auto contents, x509::readCertificateRequest(req));
  SSHCA_ASSIGN_OR_RETURN(auto request, x509::leafRequestFrom(contents, profile, days, sans));
  auto ca = pki.intermediateCa();
  return x509::issueLeafCertificate(request, ca, pki.now, systemRandom());
}

CsrOptions opts(std::string sans, bool askCa = false, bool corrupt = false, std::string cn = "www.example.com") {
  CsrOptions o;
  o.commonName = std::move(cn);
  o.sans = std::move(sans);
  o.askCa = askCa;
  o.corruptSignature = corrupt;
  return o;
}

bool hasEku(X509& cert, uint32_t flag) { return (X509_get_extended_key_usage(&cert) & flag) != 0; }

}  // namespace

TEST_CASE("IssuesAServerCertificateThatVerifiesUnderTheRoot", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key, opts("DNS:www.example.com,IP:192.0.2.1"));
  auto cert = must(issueFromCsr(pki, *req, x509::LeafProfile::Server));
  CHECK(sshca::test::verifyChain(pki.root.get(), pki.intermediate.get(), cert.get()) == X509_V_OK);
  CHECK(hasEku(*cert, XKU_SSL_SERVER));
  CHECK_FALSE(hasEku(*cert, XKU_SSL_CLIENT));
  CHECK(X509_get_key_usage(cert.get()) == KU_DIGITAL_SIGNATURE);
  CHECK(X509_check_ca(cert.get()) == 0);
  CHECK(X509_check_host(cert.get(), "www.example.com", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(cert.get(), "192.0.2.1", 0) == 1);
  auto info = must(x509::describeCertificate(*cert));
  CHECK(info.subject == "CN=www.example.com");
  CHECK(info.subjectAltNames == std::vector<std::string>{"DNS:www.example.com", "IP:192.0.2.1"});
  CHECK(info.notAfter - info.notBefore == 90 * 86400 + 300);
}

TEST_CASE("RsaLeafKeysAlsoGetKeyEncipherment", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::Rsa);
  auto req = sshca::test::makeCsr(*key, opts("DNS:rsa.example.com"));
  auto cert = must(issueFromCsr(pki, *req, x509::LeafProfile::Server));
  CHECK(X509_get_key_usage(cert.get()) == (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
}

TEST_CASE("ClientProfileGetsClientAuthAndNeedsNoSan", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  auto req = sshca::test::makeCsr(*key, opts("", false, false, "alice"));
  auto cert = must(issueFromCsr(pki, *req, x509::LeafProfile::Client));
  CHECK(hasEku(*cert, XKU_SSL_CLIENT));
  CHECK_FALSE(hasEku(*cert, XKU_SSL_SERVER));
  CHECK(sshca::test::verifyChain(pki.root.get(), pki.intermediate.get(), cert.get()) == X509_V_OK);
}

TEST_CASE("OperatorSansReplaceTheRequestedOnes", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key, opts("DNS:asked.example.com"));
  auto sans = must(x509::parseSubjectAltNames("DNS:given.example.com"));
  auto cert = must(issueFromCsr(pki, *req, x509::LeafProfile::Server, 30, sans));
  CHECK(X509_check_host(cert.get(), "given.example.com", 0, 0, nullptr) == 1);
  CHECK(X509_check_host(cert.get(), "asked.example.com", 0, 0, nullptr) != 1);
}

TEST_CASE("RefusesARequestForCaTrue", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key, opts("DNS:www.example.com", true));
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(r.error().message, Catch::Contains("CA:TRUE"));
}

TEST_CASE("RefusesARequestWithABadSignature", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key, opts("DNS:www.example.com", false, true));
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::CryptoFailure);
  CHECK_THAT(r.error().message, Catch::Contains("signature does not verify"));
}

TEST_CASE("RefusesAServerCertificateWithoutSans", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key);
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("subject alternative name"));
}

TEST_CASE("RefusesValidityPastTheIntermediate", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto req = sshca::test::makeCsr(*key, opts("DNS:www.example.com"));
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server, 1826);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("notAfter"));
  CHECK(issueFromCsr(pki, *req, x509::LeafProfile::Server, 1824).ok());
}

TEST_CASE("RefusesRequestedSansOfOtherKindsOrBadHostNames", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  auto sans =
      GENERATE(std::string("email:a@example.com"), std::string("DNS:bad_name.example.com"), std::string("DNS:*.com"),
               std::string("DNS:a.*.example.com"), std::string("URI:https://x.example"));
  auto req = sshca::test::makeCsr(*key, opts(sans));
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("RefusesSmallRsaKeys", "[x509]") {
  TestPki pki;
  auto key = EvpTestSigner::generate(KeyAlgorithm::Rsa, 1024);
  auto req = sshca::test::makeCsr(*key, opts("DNS:www.example.com"));
  auto r = issueFromCsr(pki, *req, x509::LeafProfile::Server);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Unsupported);
}
