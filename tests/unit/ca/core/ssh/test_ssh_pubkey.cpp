#include <catch2/catch.hpp>

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/writer.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// ssh-keygen -l -E sha256 prints "BITS SHA256:... comment (TYPE)".
std::string keygenFingerprint(const std::string& pubPath) {
  auto r = test::run("ssh-keygen -l -E sha256 -f " + test::shellQuote(pubPath));
  auto start = r.output.find("SHA256:");
  return r.output.substr(start, r.output.find(' ', start) - start);
}

}  // namespace

TEST_CASE("PublicKeyLinesFromSshKeygenRoundTripWithMatchingFingerprints") {
  TempDir dir;
  struct Case {
    const char* type;
    int bits;
    KeyAlgorithm alg;
  };
  for (auto c : {Case{"ed25519", 0, KeyAlgorithm::Ed25519}, Case{"ecdsa", 256, KeyAlgorithm::EcdsaP256},
                 Case{"ecdsa", 384, KeyAlgorithm::EcdsaP384}, Case{"ecdsa", 521, KeyAlgorithm::EcdsaP521},
                 Case{"rsa", 2048, KeyAlgorithm::Rsa}}) {
    std::string name = std::string(c.type) + std::to_string(c.bits);
    std::string path = test::makeSshKey(dir, name, c.type, c.bits);
    REQUIRE_FALSE(path.empty());
    std::string line = trimmed(test::readText(path + ".pub"));
    auto parsed = parsePublicKeyLine(line);
    INFO(line);
    REQUIRE(parsed.ok());
    CHECK(parsed->key.algorithm() == c.alg);
    CHECK(parsed->comment == name + "@test");
    CHECK(formatPublicKeyLine(parsed->key, parsed->comment) == line);
    CHECK(encodePublicKeyWire(parsed->key) == test::decodeLineBlob(line));
    CHECK(fingerprintSha256(parsed->key) == keygenFingerprint(path + ".pub"));
    CHECK(checkSubjectKey(parsed->key).ok());
    CHECK(checkCaKey(parsed->key).ok());
  }
}

TEST_CASE("RefusesDsaPublicKeys") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "dsa", "dsa");
  REQUIRE_FALSE(path.empty());  // OpenSSH 9.2 still makes DSA keys
  auto parsed = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::Unsupported);
  CHECK(parsed.error().message == "DSA keys are not supported");
}

TEST_CASE("Rsa1024KeyParsesButIsRefusedAsSubjectAndCa") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "rsa1024", "rsa", 1024);
  REQUIRE_FALSE(path.empty());
  auto parsed = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE(parsed.ok());
  auto st = checkSubjectKey(parsed->key);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "RSA key of 1024 bits is too small; at least 2048 bits are required");
  CHECK_FALSE(checkCaKey(parsed->key).ok());
}

TEST_CASE("RefusesCertificateLineWherePublicKeyExpected") {
  TempDir dir;
  std::string ca = test::makeSshKey(dir, "ca", "ed25519");
  std::string user = test::makeSshKey(dir, "user", "ed25519");
  REQUIRE(test::run("ssh-keygen -q -s " + ca + " -I x -n x " + user + ".pub").status == 0);
  auto parsed = parsePublicKeyLine(test::readText(user + "-cert.pub"));
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.find("certificate line") != std::string::npos);
  // And the blob itself, given as a plain key.
  auto wire = parsePublicKeyWire(test::decodeLineBlob(test::readText(user + "-cert.pub")));
  REQUIRE_FALSE(wire.ok());
  CHECK(wire.error().message.find("is a certificate") != std::string::npos);
}

TEST_CASE("RefusesLineWhoseTypeDiffersFromTheBlob") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "k", "ed25519");
  std::string line = test::readText(path + ".pub");
  line.replace(0, line.find(' '), "ssh-rsa");
  auto parsed = parsePublicKeyLine(line);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.find("does not match") != std::string::npos);
  CHECK_FALSE(parsePublicKeyLine("ssh-ed25519").ok());
  CHECK_FALSE(parsePublicKeyLine("ssh-ed25519 !!!notbase64").ok());
}

TEST_CASE("RefusesEcdsaKeyWithWrongCurveNameOrOffCurvePoint") {
  TempDir dir;
  std::string path = test::makeSshKey(dir, "ec", "ecdsa", 256);
  auto key = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE(key.ok());
  Bytes point = *ecPointOf(key->key);
  wire::Writer mismatch;
  mismatch.cstring("ecdsa-sha2-nistp256");
  mismatch.cstring("nistp384");
  mismatch.string(point);
  auto r1 = parsePublicKeyWire(mismatch.bytes());
  REQUIRE_FALSE(r1.ok());
  CHECK(r1.error().message.find("does not match") != std::string::npos);
  point.back() ^= 1;
  wire::Writer offCurve;
  offCurve.cstring("ecdsa-sha2-nistp256");
  offCurve.cstring("nistp256");
  offCurve.string(point);
  CHECK_FALSE(parsePublicKeyWire(offCurve.bytes()).ok());
}

TEST_CASE("PublicKeyBlobTruncatedAtAnyLengthOrWithTrailingDataIsRefused") {
  TempDir dir;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    std::string path = test::makeSshKey(dir, type, type);
    Bytes blob = test::decodeLineBlob(test::readText(path + ".pub"));
    REQUIRE(parsePublicKeyWire(blob).ok());
    for (size_t n = 0; n < blob.size(); ++n) CHECK_FALSE(parsePublicKeyWire(std::span(blob).first(n)).ok());
    blob.push_back(0);
    auto r = parsePublicKeyWire(blob);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("trailing") != std::string::npos);
  }
}

TEST_CASE("RefusesUnknownAndSecurityKeyTypes") {
  for (const char* type : {"ssh-foo", "sk-ssh-ed25519@openssh.com", "ssh-dss"}) {
    wire::Writer w;
    w.cstring(type);
    auto r = parsePublicKeyWire(w.bytes());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Unsupported);
  }
}
