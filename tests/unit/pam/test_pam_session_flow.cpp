// pam_sm_open_session's decision (pam/session_flow.h) on SSH_AUTH_INFO_0 as
// sshd writes it, with certificates from ssh-keygen: ours and not revoked
// passes, another CA's is none of our business, and one we cannot read is
// refused (it might be ours and revoked).
#include <catch2/catch.hpp>

#include "pam/session_flow.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

// "type base64" of a user certificate signed by `ca` (ssh-keygen -s).
std::string certLine(const test::TempDir& dir, const std::string& ca, const std::string& name,
                     const std::string& extra = "", const std::string& principals = "alice") {
  test::makeSshKey(dir, name, "ed25519");
  auto r = test::run("ssh-keygen -q -s " + dir.file(ca) + " -I " + name + " -n " + principals + " -z 7 " + extra + " " +
                     dir.file(name + ".pub"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::string line = test::readText(dir.file(name + "-cert.pub"));
  return line.substr(0, line.find(' ', line.find(' ') + 1));
}

struct Lab {
  test::TempDir dir;
  ModuleArgs args;
  AuditLog log{nullptr, std::nullopt, false};
  Lab() {
    test::makeSshKey(dir, "ca", "ed25519");
    test::makeSshKey(dir, "other-ca", "ed25519");
    args.caFile = dir.file("ca.pub");
  }
  Result<std::vector<ssh::Certificate>> session(const std::string& line) {
    return checkSessionCertificates(args, {"alice", "publickey " + line + "\n"}, log);
  }
};

}  // namespace

TEST_CASE("PamSessionPassesOurCertificateAndIgnoresOthers") {
  Lab lab;
  auto ours = lab.session(certLine(lab.dir, "ca", "u1"));
  REQUIRE(ours.ok());
  CHECK(ours->size() == 1);
  auto theirs = lab.session(certLine(lab.dir, "other-ca", "u2"));
  REQUIRE(theirs.ok());
  CHECK(theirs->empty());
}

TEST_CASE("PamSessionRefusesACertificateItCannotRead") {
  Lab lab;
  // An extension with an empty value: sshd takes it; our parser does not.
  auto s = lab.session(certLine(lab.dir, "ca", "u3", "-O extension:x@example.com="));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(s.error().message, Catch::Contains("cannot be read"));
}

TEST_CASE("PamSessionRefusesOurCertificateThatDoesNotNameTheUser") {
  Lab lab;
  auto s = lab.session(certLine(lab.dir, "ca", "u4", "", "bob,carol"));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(s.error().message, Catch::Contains("names no principal accepted for alice"));
  CHECK(lab.session(certLine(lab.dir, "ca", "u5", "", "bob,alice")).ok());
}
