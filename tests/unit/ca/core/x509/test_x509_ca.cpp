// Root and intermediate CA certificates: extensions, chain, and refusals.
#include <catch2/catch.hpp>

#include "ca/core/x509/certificate_info.h"
#include "ca/core/x509/x509_extensions.h"
#include "ca/core/x509/x509_time.h"
#include "tests/unit/support/x509_test_pki.h"
#include "tests/unit/support/x509_verify.h"

using namespace sshca;
using sshca::test::EvpTestSigner;
using sshca::test::must;
using sshca::test::TestPki;

namespace {

ossl::BasicConstraints basicConstraints(const X509& cert, int* crit) {
  return ossl::BasicConstraints(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(&cert, NID_basic_constraints, crit, nullptr)));
}

Bytes octets(const ASN1_OCTET_STRING* s) {
  return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
}

Bytes akidOf(const X509& cert) {
  ossl::AuthorityKeyId akid(
      static_cast<AUTHORITY_KEYID*>(X509_get_ext_d2i(&cert, NID_authority_key_identifier, nullptr, nullptr)));
  return akid && akid->keyid ? octets(akid->keyid) : Bytes{};
}

Bytes skidOf(const X509& cert) { return octets(must(x509::keyIdentifierOf(cert)).get()); }

}  // namespace

TEST_CASE("RootIsSelfSignedCriticalCaWithCaKeyUsage", "[x509]") {
  TestPki pki;
  X509* root = pki.root.get();
  int crit = 0;
  auto bc = basicConstraints(*root, &crit);
  REQUIRE(bc);
  CHECK(bc->ca);
  CHECK(bc->pathlen == nullptr);
  CHECK(crit == 1);
  CHECK(X509_get_key_usage(root) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE));
  CHECK(X509_get_ext_by_NID(root, NID_key_usage, -1) >= 0);
  CHECK(X509_EXTENSION_get_critical(X509_get_ext(root, X509_get_ext_by_NID(root, NID_key_usage, -1))) == 1);
  CHECK(X509_get_ext_by_NID(root, NID_subject_key_identifier, -1) >= 0);
  CHECK(X509_check_issued(root, root) == X509_V_OK);
  CHECK(X509_get_version(root) == X509_VERSION_3);
  CHECK(sshca::test::verifyChain(root, nullptr, root) == X509_V_OK);
}

TEST_CASE("IntermediateHasPathLenZeroAndTheRootsKeyIdentifier", "[x509]") {
  TestPki pki;
  int crit = 0;
  auto bc = basicConstraints(*pki.intermediate, &crit);
  REQUIRE(bc);
  CHECK(bc->ca);
  REQUIRE(bc->pathlen);
  CHECK(ASN1_INTEGER_get(bc->pathlen) == 0);
  CHECK(crit == 1);
  CHECK(akidOf(*pki.intermediate) == skidOf(*pki.root));
  CHECK(skidOf(*pki.intermediate) != skidOf(*pki.root));
  CHECK(sshca::test::verifyChain(pki.root.get(), nullptr, pki.intermediate.get()) == X509_V_OK);
}

TEST_CASE("SerialsArePositiveSixteenOctetsAndDiffer", "[x509]") {
  TestPki pki;
  auto a = must(x509::describeCertificate(*pki.root)).serialHex;
  auto b = must(x509::describeCertificate(*pki.intermediate)).serialHex;
  CHECK(a.size() == 32);
  CHECK(b.size() == 32);
  CHECK(a != b);
  ossl::Bignum bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(pki.root.get()), nullptr));
  CHECK_FALSE(BN_is_negative(bn.get()));
}

TEST_CASE("RefusesAnIntermediateThatOutlivesTheRoot", "[x509]") {
  TestPki pki;
  auto rootCa = must(x509::IssuingCa::create(ossl::X509Ptr(X509_dup(pki.root.get())), pki.rootKey, pki.now));
  auto name = must(x509::parseDistinguishedName("CN=Too Long"));
  auto r = x509::createIntermediateCertificate(*name, pki.intermediateKey->publicKey(), rootCa, 3651, pki.now,
                                               systemRandom());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
  CHECK_THAT(r.error().message, Catch::Contains("notAfter"));
}

TEST_CASE("IssuingCaRefusesAMismatchedKey", "[x509]") {
  TestPki pki;
  auto r = x509::IssuingCa::create(ossl::X509Ptr(X509_dup(pki.intermediate.get())), pki.rootKey, pki.now);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("does not belong"));
}

TEST_CASE("IssuingCaRefusesACertificateOutsideItsValidity", "[x509]") {
  TestPki pki;
  auto r = x509::IssuingCa::create(ossl::X509Ptr(X509_dup(pki.intermediate.get())), pki.intermediateKey,
                                   pki.now + 1826 * x509::kSecondsPerDay);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains("not valid now"));
}

TEST_CASE("CaCertificatesWorkWithEveryCaKeyType", "[x509]") {
  auto alg = GENERATE(KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa, KeyAlgorithm::Ed25519);
  TestPki pki(alg);
  CHECK(sshca::test::verifyChain(pki.root.get(), nullptr, pki.intermediate.get()) == X509_V_OK);
}
