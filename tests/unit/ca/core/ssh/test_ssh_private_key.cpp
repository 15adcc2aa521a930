#include <catch2/catch.hpp>

#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/openssh_private_key.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

std::string armor(const Bytes& blob) {
  std::string b64 = base64Encode(blob), out = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  return out + "-----END OPENSSH PRIVATE KEY-----\n";
}

Bytes dearmor(const std::string& text) {
  std::string b64;
  for (size_t i = text.find('\n') + 1; i < text.find("-----END"); ++i)
    if (text[i] != '\n') b64 += text[i];
  return *base64Decode(b64);
}

}  // namespace

TEST_CASE("ParsesUnencryptedOpenSshPrivateKeysOfEveryType") {
  TempDir dir;
  struct Case {
    const char* type;
    int bits;
  };
  for (auto c : {Case{"ed25519", 0}, Case{"ecdsa", 256}, Case{"ecdsa", 384}, Case{"ecdsa", 521}, Case{"rsa", 2048}}) {
    std::string path = test::makeSshKey(dir, std::string(c.type) + std::to_string(c.bits), c.type, c.bits);
    REQUIRE_FALSE(path.empty());
    std::string text = test::readText(path);
    CHECK(isOpenSshPrivateKey(text));
    auto key = parseOpenSshPrivateKey(text);
    INFO(c.type << c.bits << ": " << (key.ok() ? "" : key.error().message));
    REQUIRE(key.ok());
    auto pub = PublicKey::fromEvp(key->get());
    REQUIRE(pub.ok());
    CHECK(*pub == parsePublicKeyLine(test::readText(path + ".pub"))->key);
  }
}

TEST_CASE("RefusesEncryptedOpenSshPrivateKey") {
  TempDir dir;
  std::string path = dir.file("enc");
  REQUIRE(test::run("ssh-keygen -q -t ed25519 -N secret-pass -f " + path).status == 0);
  auto key = parseOpenSshPrivateKey(test::readText(path));
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().code == ErrorCode::Unsupported);
  CHECK(key.error().message ==
        "encrypted OpenSSH private keys are not supported; decrypt with ssh-keygen -p or use PEM");
}

TEST_CASE("RefusesOpenSshPrivateKeyWithDifferingCheckints") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "k", "ed25519");
  Bytes blob = dearmor(test::readText(path));
  REQUIRE(parseOpenSshPrivateKey(armor(blob)).ok());
  // Layout: magic(15) "none"(8) "none"(8) ""(4) u32 N(4) string(pub) string(u32 check1, u32 check2, ...).
  size_t pubLen = static_cast<size_t>(blob[39]) << 24 | blob[40] << 16 | blob[41] << 8 | blob[42];
  size_t check2 = 43 + pubLen + 4 + 4;
  blob[check2] ^= 1;
  auto key = parseOpenSshPrivateKey(armor(blob));
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().message.find("check integers differ") != std::string::npos);
}

TEST_CASE("OpenSshPrivateKeyTruncatedOrCorruptFailsCleanly") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "k", "ecdsa", 256);
  Bytes blob = dearmor(test::readText(path));
  for (size_t n = 0; n < blob.size(); ++n) CHECK_FALSE(parseOpenSshPrivateKeyBlob(std::span(blob).first(n)).ok());
  size_t accepted = 0;
  for (size_t i = 0; i < blob.size(); ++i) {
    Bytes b = blob;
    b[i] ^= 0x41;
    if (parseOpenSshPrivateKeyBlob(b).ok()) ++accepted;
  }
  // Only bytes of the comment (not checked) may change without detection.
  CHECK(accepted <= std::string("k@test").size());
  CHECK_FALSE(parseOpenSshPrivateKey("not a key").ok());
}
