// The sshd_config.d drop-in that `sshca-agent config sshd` writes
// (agent/host/sshd_dropin.h), and the host key file names it is built from
// (agent/host/host_keys.h). The drop-in follows what is on disk: sshd refuses
// every public-key login when RevokedKeys names a file it cannot read.
#include <catch2/catch.hpp>

#include "agent/host/host_keys.h"
#include "agent/host/sshd_dropin.h"
#include "tests/unit/support/ssh_fixtures.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using sshca::agent::DropinInputs;
using sshca::agent::HostKeyFiles;

namespace {

HostKeyFiles files(const std::string& publicKeyPath) {
  auto f = agent::hostKeyFiles(publicKeyPath);
  REQUIRE(f.ok());
  return *f;
}

bool hasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("HostKeyFilesAreNamedFromThePublicKey", "[agent-config]") {
  HostKeyFiles f = files("/etc/ssh/ssh_host_ecdsa_key.pub");
  CHECK(f.publicKey == "/etc/ssh/ssh_host_ecdsa_key.pub");
  CHECK(f.privateKey == "/etc/ssh/ssh_host_ecdsa_key");
  CHECK(f.certificate == "/etc/ssh/ssh_host_ecdsa_key-cert.pub");
  for (const char* bad : {"/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ecdsa_key-cert.pub", ""}) {
    auto r = agent::hostKeyFiles(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidArgument);
  }
}

TEST_CASE("DefaultHostKeysAreTheSortedSshHostKeys", "[agent-config]") {
  test::TempDir dir;
  for (const char* name : {"ssh_host_rsa_key.pub", "ssh_host_ed25519_key.pub", "ssh_host_ecdsa_key-cert.pub",
                           "ssh_host_ecdsa_key", "other_key.pub"})
    test::writeText(dir.file(name), "x\n");
  auto keys = agent::defaultHostPublicKeys(dir.path());
  REQUIRE(keys.ok());
  CHECK(*keys == std::vector<std::string>{dir.file("ssh_host_ed25519_key.pub"), dir.file("ssh_host_rsa_key.pub")});

  test::TempDir empty;
  auto none = agent::defaultHostPublicKeys(empty.path());
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::NotFound);
  CHECK_THAT(none.error().message, Catch::Contains("use --key"));
}

TEST_CASE("DropinBeforeEnrollmentAndFirstKrlSync", "[agent-config]") {
  test::TempDir dir;
  DropinInputs in{dir.file("user_ca.pub"), dir.file("revoked.krl"), {files(dir.file("ssh_host_ed25519_key.pub"))}};
  std::string text = agent::renderSshdDropin(in);
  CHECK(hasLine(text, "TrustedUserCAKeys " + dir.file("user_ca.pub")));
  CHECK(text.find("\nHostCertificate ") == std::string::npos);
  CHECK_THAT(text, Catch::Contains("no host certificate yet"));
  // A RevokedKeys line for a missing file would lock every key out.
  CHECK(text.find("\nRevokedKeys ") == std::string::npos);
  CHECK_THAT(text, Catch::Contains("# RevokedKeys " + dir.file("revoked.krl")));
}

TEST_CASE("DropinNamesTheCertificatesAndKrlThatExist", "[agent-config]") {
  test::TempDir dir;
  test::writeText(dir.file("ssh_host_ed25519_key-cert.pub"), "cert\n");
  test::writeText(dir.file("revoked.krl"), "");
  DropinInputs in{dir.file("user_ca.pub"),
                  dir.file("revoked.krl"),
                  {files(dir.file("ssh_host_ed25519_key.pub")), files(dir.file("ssh_host_rsa_key.pub"))}};
  std::string text = agent::renderSshdDropin(in);
  CHECK(hasLine(text, "HostCertificate " + dir.file("ssh_host_ed25519_key-cert.pub")));
  CHECK_FALSE(hasLine(text, "HostCertificate " + dir.file("ssh_host_rsa_key-cert.pub")));
  CHECK(hasLine(text, "RevokedKeys " + dir.file("revoked.krl")));
  CHECK(text.find("no host certificate yet") == std::string::npos);
}
