#include <catch2/catch.hpp>

#include "ca/core/keys/signature.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using test::TempDir;

namespace {

void checkSigns(const Signer& s) {
  Bytes data{'d', 'a', 't', 'a'};
  auto blob = ssh::makeSignatureBlob(s, data);
  REQUIRE(blob.ok());
  CHECK(ssh::verifySignatureBlob(s.publicKey(), data, *blob).ok());
}

}  // namespace

TEST_CASE("SoftSignerLoadsOpenSshKeyFilesAndSigns") {
  TempDir dir;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    std::string path = test::makeSshKey(dir, type, type);
    auto s = loadSoftSigner(path);
    REQUIRE(s.ok());
    CHECK((*s)->description() == "file:" + path);
    CHECK((*s)->publicKey() == ssh::parsePublicKeyLine(test::readText(path + ".pub"))->key);
    checkSigns(**s);
  }
}

TEST_CASE("SoftSignerLoadsPemKeys") {
  TempDir dir;
  std::string pkcs8 = dir.file("p8.pem");
  REQUIRE(test::run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " + pkcs8).status == 0);
  auto a = loadSoftSigner(pkcs8);
  REQUIRE(a.ok());
  CHECK((*a)->publicKey().algorithm() == KeyAlgorithm::EcdsaP384);
  checkSigns(**a);
  std::string trad = test::makeSshKey(dir, "rsa-pem", "rsa", 2048, "-m PEM");
  auto b = loadSoftSigner(trad);
  REQUIRE(b.ok());
  checkSigns(**b);
}

TEST_CASE("SoftSignerRefusesEncryptedAndMissingKeys") {
  TempDir dir;
  std::string enc = dir.file("enc.pem");
  REQUIRE(test::run("openssl genpkey -algorithm ED25519 -aes256 -pass pass:x -out " + enc).status == 0);
  auto a = loadSoftSigner(enc);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message == enc + ": encrypted PEM private keys are not supported");
  auto b = loadSoftSigner(dir.file("missing"));
  REQUIRE_FALSE(b.ok());
  CHECK(b.error().code == ErrorCode::NotFound);
  test::writeText(dir.file("junk"), "hello");
  CHECK_FALSE(loadSoftSigner(dir.file("junk")).ok());
}

TEST_CASE("SoftSignerRefusesDsaKey") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "dsa", "dsa", 0, "-m PEM");
  REQUIRE_FALSE(path.empty());
  auto s = loadSoftSigner(path);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("DSA keys are not supported") != std::string::npos);
}
