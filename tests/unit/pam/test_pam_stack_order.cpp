// Where pam_sshca's session line sits in its service's PAM stack
// (pam/pam_stack_order.h): above every pam_env line, following @include,
// include and substack, as Debian's /etc/pam.d/sshd is written.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "pam/pam_stack_order.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

void write(const test::TempDir& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir.file(name)) << text;
}

const char* kCommonSession = "session [default=1] pam_permit.so\nsession required pam_unix.so\n";

}  // namespace

TEST_CASE("PamStackOrderAcceptsTheLineAboveEveryPamEnv") {
  test::TempDir dir;
  write(dir, "common-session", kCommonSession);
  write(dir, "sshd",
        "@include common-session\n"
        "session required /usr/lib/x/pam_sshca.so ca_file=/etc/ssh/ca.pub\n"
        "session [success=ok ignore=ignore module_unknown=ignore default=bad] pam_selinux.so open\n"
        "session required pam_env.so user_readenv=1 envfile=/etc/default/locale\n");
  CHECK(checkSessionEnvironmentIsSshds(dir.path(), "sshd").ok());
}

TEST_CASE("PamStackOrderRefusesAPamEnvLineBeforeOurs") {
  test::TempDir dir;
  write(dir, "common-session", kCommonSession);
  write(dir, "sshd",
        "auth required pam_env.so\n"  // auth lines do not count: sshd sets the value after them
        "@include common-session\n"
        "session required pam_env.so user_readenv=1 # [1]\n"
        "session required pam_sshca.so ca_file=/etc/ssh/ca.pub\n");
  auto s = checkSessionEnvironmentIsSshds(dir.path(), "sshd");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(s.error().message, Catch::Contains("/sshd:3) runs before pam_sshca.so"));
}

TEST_CASE("PamStackOrderFollowsIncludesAndSubstacks") {
  test::TempDir dir;
  write(dir, "env-session", "-session optional pam_env.so user_readenv=1\n");
  write(dir, "sshd", "session substack env-session\nsession required pam_sshca.so ca_file=x\n");
  CHECK_FALSE(checkSessionEnvironmentIsSshds(dir.path(), "sshd").ok());
  write(dir, "sshd", "session include env-session\nsession required pam_sshca.so ca_file=x\n");
  CHECK_FALSE(checkSessionEnvironmentIsSshds(dir.path(), "sshd").ok());
  write(dir, "sshd", "@include env-session\nsession required pam_sshca.so ca_file=x\n");
  CHECK_FALSE(checkSessionEnvironmentIsSshds(dir.path(), "sshd").ok());
}

TEST_CASE("PamStackOrderRefusesWhenItCannotFindItsOwnLine") {
  test::TempDir dir;
  write(dir, "sshd", "session required pam_unix.so\n");
  CHECK_THAT(checkSessionEnvironmentIsSshds(dir.path(), "sshd").error().message,
             Catch::Contains("no session line of pam_sshca.so"));
  CHECK_THAT(checkSessionEnvironmentIsSshds(dir.path(), "missing").error().message,
             Catch::Contains("cannot read the PAM configuration"));
  CHECK_FALSE(checkSessionEnvironmentIsSshds(dir.path(), "../sshd").ok());
  write(dir, "loop", "@include loop\n");
  CHECK_THAT(checkSessionEnvironmentIsSshds(dir.path(), "loop").error().message, Catch::Contains("nest too deep"));
}

TEST_CASE("PamStackOrderRefusesAnIncludedFileOthersCanWrite") {
  if (geteuid() != 0) {
    WARN("skipped: the files must be root's, as PAM's are");
    return;
  }
  test::TempDir dir;
  write(dir, "common-session", kCommonSession);
  write(dir, "sshd", "@include common-session\nsession required pam_sshca.so ca_file=/etc/ssh/ca.pub\n");
  REQUIRE(checkSessionEnvironmentIsSshds(dir.path(), "sshd").ok());
  chmod(dir.file("common-session").c_str(), 0666);  // anyone could now add a pam_env line above ours
  auto refused = checkSessionEnvironmentIsSshds(dir.path(), "sshd");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(refused.error().message, Catch::Contains("writable by group or others"));
}
