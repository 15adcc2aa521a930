#include <catch2/catch.hpp>

#include "pam/auth_info.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

// A certificate line as ssh-keygen writes it (type and base64).
std::string keygenCertLine(const test::TempDir& dir) {
  test::makeSshKey(dir, "ca", "ed25519");
  test::makeSshKey(dir, "user", "ecdsa", 256);
  auto r = test::run("ssh-keygen -q -s " + dir.file("ca") + " -I id -n alice " + dir.file("user.pub"));
  REQUIRE(r.status == 0);
  std::string line = test::readText(dir.file("user-cert.pub"));
  return line.substr(0, line.find(' ', line.find(' ') + 1));
}

}  // namespace

TEST_CASE("PamAuthInfoAsSshdWritesIt") {
  test::TempDir dir;
  const std::string certLine = keygenCertLine(dir);
  auto info = parseAuthInfo("publickey " + certLine + "\nkeyboard-interactive/pam\n");
  REQUIRE(info.ok());
  CHECK(info->methods == std::vector<std::string>{"publickey", "keyboard-interactive/pam"});
  REQUIRE(info->publicKeys.size() == 1);
  CHECK(info->publicKeys[0].keyType == "ecdsa-sha2-nistp256-cert-v01@openssh.com");
  CHECK(info->publicKeys[0].isCertificate());
  CHECK(info->publicKeys[0].keyBlob == test::decodeLineBlob(certLine));

  // Method info after the key (hostbased/other methods) is tolerated.
  auto withInfo = parseAuthInfo("publickey " + certLine + " extra info\npassword");
  REQUIRE(withInfo.ok());
  CHECK(withInfo->publicKeys.size() == 1);
}

TEST_CASE("PamAuthInfoEmptyMeansNoMethods") {
  auto info = parseAuthInfo("");
  REQUIRE(info.ok());
  CHECK(info->methods.empty());
  CHECK(info->publicKeys.empty());
}

TEST_CASE("PamAuthInfoRefusesMalformedValues") {
  test::TempDir dir;
  const std::string certLine = keygenCertLine(dir);
  const std::string b64 = certLine.substr(certLine.find(' ') + 1);
  auto refused = [](const std::string& text, const char* needle) {
    auto r = parseAuthInfo(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidFormat);
    CHECK_THAT(r.error().message, Catch::Contains(needle));
  };
  refused("publickey\n", "publickey without a key");
  refused("publickey ssh-ed25519\n", "publickey without a key");
  refused("publickey ssh-ed25519 !!!notbase64\n", "not base64");
  refused("publickey ssh-ed25519-cert-v01@openssh.com " + b64 + "\n", "does not match");
  refused("password\n\npublickey x y\n", "line 2: empty line");
  refused(" publickey\n", "no method name");
  refused(std::string("password\0x", 10), "NUL");
  refused(std::string(kMaxAuthInfoBytes + 1, 'a'), "longer than");
  std::string many;
  for (size_t i = 0; i <= kMaxAuthInfoLines; ++i) many += "password\n";
  refused(many, "too many lines");
}
