// X.509 signing through the Signer interface: every key type, certificates,
// requests and CRLs, the algorithm identifiers, and refusal of a Signer
// whose signatures do not verify.
#include <catch2/catch.hpp>

#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/crl.h"
#include "ca/core/x509/x509_signing.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/x509_test_pki.h"

using namespace sshca;
using sshca::test::EvpTestSigner;
using sshca::test::must;

namespace {

struct AlgCase {
  KeyAlgorithm alg;
  HashAlg hash;
  int expectedNid;
};

// A Signer that returns a well-formed but wrong signature (a bug or a
// confused token): the signing code must notice.
class WrongSigner final : public Signer {
 public:
  explicit WrongSigner(std::shared_ptr<EvpTestSigner> claimed)
      : claimed_(std::move(claimed)), other_(EvpTestSigner::generate(claimed_->publicKey().algorithm())) {}
  const PublicKey& publicKey() const override { return claimed_->publicKey(); }
  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override { return other_->sign(data, hash); }
  std::string description() const override { return "test:wrong"; }

 private:
  std::shared_ptr<EvpTestSigner> claimed_;
  std::shared_ptr<EvpTestSigner> other_;
};

ossl::X509Ptr selfSigned(const Signer& signer, HashAlg hash) {
  auto name = must(x509::parseDistinguishedName("CN=Alg Test"));
  return must(x509::createRootCertificate(*name, signer, hash, 30, std::time(nullptr), systemRandom()));
}

int tbsNid(const X509& cert) { return OBJ_obj2nid(X509_get0_tbs_sigalg(&cert)->algorithm); }

}  // namespace

TEST_CASE("SignsCertificatesRequestsAndCrlsWithEveryKeyType", "[x509]") {
  auto c = GENERATE(AlgCase{KeyAlgorithm::EcdsaP256, HashAlg::Sha256, NID_ecdsa_with_SHA256},
                    AlgCase{KeyAlgorithm::EcdsaP384, HashAlg::Sha384, NID_ecdsa_with_SHA384},
                    AlgCase{KeyAlgorithm::EcdsaP384, HashAlg::Sha512, NID_ecdsa_with_SHA512},
                    AlgCase{KeyAlgorithm::EcdsaP521, HashAlg::Sha512, NID_ecdsa_with_SHA512},
                    AlgCase{KeyAlgorithm::Rsa, HashAlg::Sha256, NID_sha256WithRSAEncryption},
                    AlgCase{KeyAlgorithm::Rsa, HashAlg::Sha512, NID_sha512WithRSAEncryption},
                    AlgCase{KeyAlgorithm::Ed25519, HashAlg::None, NID_ED25519});
  auto signer = EvpTestSigner::generate(c.alg);
  const PublicKey& key = signer->publicKey();

  ossl::X509Ptr cert = selfSigned(*signer, c.hash);
  CHECK(X509_verify(cert.get(), key.evp()) == 1);
  CHECK(X509_get_signature_nid(cert.get()) == c.expectedNid);
  CHECK(tbsNid(*cert) == c.expectedNid);

  auto name = must(x509::parseDistinguishedName("CN=req"));
  ossl::X509Req req = must(x509::createCertificateRequest(*name, *signer, c.hash));
  CHECK(X509_REQ_verify(req.get(), key.evp()) == 1);
  CHECK(X509_REQ_get_signature_nid(req.get()) == c.expectedNid);

  auto ca = must(x509::IssuingCa::create(std::move(cert), signer, std::time(nullptr), c.hash));
  x509::RevokedCertificate r{"4ABC", std::time(nullptr), x509::RevocationReason::KeyCompromise};
  ossl::X509Crl crl = must(x509::createCrl(ca, std::span(&r, 1), {1, std::time(nullptr), 7}));
  CHECK(X509_CRL_verify(crl.get(), key.evp()) == 1);
  CHECK(X509_CRL_get_signature_nid(crl.get()) == c.expectedNid);
}

TEST_CASE("RsaAlgorithmIdentifierCarriesNullParameters", "[x509]") {
  auto signer = EvpTestSigner::generate(KeyAlgorithm::Rsa);
  ossl::X509Ptr cert = selfSigned(*signer, HashAlg::Sha256);
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(nullptr, &ptype, &pval, X509_get0_tbs_sigalg(cert.get()));
  CHECK(ptype == V_ASN1_NULL);
}

TEST_CASE("EcdsaAndEd25519AlgorithmIdentifiersOmitParameters", "[x509]") {
  auto alg = GENERATE(KeyAlgorithm::EcdsaP256, KeyAlgorithm::Ed25519);
  auto signer = EvpTestSigner::generate(alg);
  ossl::X509Ptr cert = selfSigned(*signer, must(x509::signatureHashFor(alg)));
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(nullptr, &ptype, &pval, X509_get0_tbs_sigalg(cert.get()));
  CHECK(ptype == V_ASN1_UNDEF);
}

TEST_CASE("SigningFailsWhenTheSignerReturnsAWrongSignature", "[x509]") {
  auto real = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  WrongSigner wrong(real);
  auto name = must(x509::parseDistinguishedName("CN=bad"));
  auto cert = x509::createRootCertificate(*name, wrong, HashAlg::Sha256, 30, std::time(nullptr), systemRandom());
  REQUIRE_FALSE(cert.ok());
  CHECK(cert.error().code == ErrorCode::CryptoFailure);
  auto req = x509::createCertificateRequest(*name, wrong, HashAlg::Sha256);
  REQUIRE_FALSE(req.ok());
  CHECK(req.error().code == ErrorCode::CryptoFailure);
}

TEST_CASE("SignatureHashDefaultsFollowTheKey", "[x509]") {
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::EcdsaP256)) == HashAlg::Sha256);
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::EcdsaP384)) == HashAlg::Sha384);
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::EcdsaP521)) == HashAlg::Sha512);
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::Rsa)) == HashAlg::Sha256);
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::Ed25519)) == HashAlg::None);
  CHECK(must(x509::signatureHashFor(KeyAlgorithm::EcdsaP384, HashAlg::Sha512)) == HashAlg::Sha512);
  CHECK_FALSE(x509::signatureHashFor(KeyAlgorithm::Ed25519, HashAlg::Sha512).ok());
  CHECK_FALSE(x509::parseDigestName("sha1").ok());
  CHECK(must(x509::parseDigestName("sha384")) == HashAlg::Sha384);
}
