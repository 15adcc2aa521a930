#include <catch2/catch.hpp>

#include "ca/core/keys/signature.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

using namespace sshca;
using namespace sshca::ssh;

namespace {

SignerPtr generated(KeyAlgorithm alg) {
  EVP_PKEY* raw = nullptr;
  switch (alg) {
    case KeyAlgorithm::Ed25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyAlgorithm::EcdsaP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyAlgorithm::EcdsaP384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyAlgorithm::EcdsaP521:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyAlgorithm::Rsa:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
  }
  auto s = softSignerFromEvp(ossl::EvpPkey(raw));
  REQUIRE(s.ok());
  return *s;
}

Bytes blobWith(std::string_view alg, std::span<const uint8_t> sig) {
  wire::Writer w;
  w.cstring(alg);
  w.string(sig);
  return std::move(w).take();
}

}  // namespace

TEST_CASE("PicksSshAlgorithmAndHashPerCaKeyType") {
  struct Case {
    KeyAlgorithm alg;
    const char* name;
    HashAlg hash;
  };
  for (auto c : {Case{KeyAlgorithm::Ed25519, "ssh-ed25519", HashAlg::None},
                 Case{KeyAlgorithm::EcdsaP256, "ecdsa-sha2-nistp256", HashAlg::Sha256},
                 Case{KeyAlgorithm::EcdsaP384, "ecdsa-sha2-nistp384", HashAlg::Sha384},
                 Case{KeyAlgorithm::EcdsaP521, "ecdsa-sha2-nistp521", HashAlg::Sha512},
                 Case{KeyAlgorithm::Rsa, "rsa-sha2-512", HashAlg::Sha512}}) {
    auto signer = generated(c.alg);
    CHECK(signatureAlgorithmFor(signer->publicKey()) == c.name);
    CHECK(hashFor(signer->publicKey()) == c.hash);
  }
}

TEST_CASE("SignedBlobsVerifyAndTamperedDataDoesNot") {
  Bytes data{'h', 'e', 'l', 'l', 'o'};
  for (auto alg : {KeyAlgorithm::Ed25519, KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::EcdsaP521,
                   KeyAlgorithm::Rsa}) {
    auto signer = generated(alg);
    auto blob = makeSignatureBlob(*signer, data);
    REQUIRE(blob.ok());
    CHECK(*signatureBlobAlgorithm(*blob) == signatureAlgorithmFor(signer->publicKey()));
    CHECK(verifySignatureBlob(signer->publicKey(), data, *blob).ok());
    Bytes other = data;
    other[0] ^= 1;
    CHECK_FALSE(verifySignatureBlob(signer->publicKey(), other, *blob).ok());
    Bytes trailing = *blob;
    trailing.push_back(0);
    CHECK_FALSE(verifySignatureBlob(signer->publicKey(), data, trailing).ok());
  }
}

TEST_CASE("EcdsaBlobHoldsTwoMinimalMpints") {
  auto signer = generated(KeyAlgorithm::EcdsaP256);
  Bytes data{1, 2, 3};
  auto blob = makeSignatureBlob(*signer, data);
  REQUIRE(blob.ok());
  wire::Reader r(*blob);
  CHECK(*r.cstring() == "ecdsa-sha2-nistp256");
  auto inner = r.subReader();
  REQUIRE(inner.ok());
  CHECK(inner->mpint().ok());
  CHECK(inner->mpint().ok());
  CHECK(inner->expectEnd().ok());
}

TEST_CASE("AcceptsRsaSha256AndRefusesSshRsaSha1") {
  auto signer = generated(KeyAlgorithm::Rsa);
  Bytes data{'x'};
  auto raw256 = signer->sign(data, HashAlg::Sha256);
  REQUIRE(raw256.ok());
  CHECK(verifySignatureBlob(signer->publicKey(), data, blobWith("rsa-sha2-256", *raw256)).ok());
  CHECK_FALSE(verifySignatureBlob(signer->publicKey(), data, blobWith("rsa-sha2-512", *raw256)).ok());
  auto sha1 = verifySignatureBlob(signer->publicKey(), data, blobWith("ssh-rsa", *raw256));
  REQUIRE_FALSE(sha1.ok());
  CHECK(sha1.error().code == ErrorCode::Unsupported);
  CHECK(sha1.error().message == "ssh-rsa (SHA-1) signatures are refused");
}

TEST_CASE("RefusesSignatureAlgorithmOfAnotherKeyType") {
  auto signer = generated(KeyAlgorithm::EcdsaP256);
  Bytes data{'x'};
  auto blob = makeSignatureBlob(*signer, data);
  REQUIRE(blob.ok());
  wire::Reader r(*blob);
  (void)r.cstring();
  auto sig = r.string();
  REQUIRE(sig.ok());
  auto st = verifySignatureBlob(signer->publicKey(), data, blobWith("ecdsa-sha2-nistp384", *sig));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("does not match") != std::string::npos);
}

TEST_CASE("RefusesRawSignatureOfTheWrongSize") {
  auto signer = generated(KeyAlgorithm::Ed25519);
  Bytes raw(63, 0);
  auto r = encodeSignatureBlob(signer->publicKey(), raw);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("63 bytes") != std::string::npos);
}
