#include <catch2/catch.hpp>

#include "pam/module_args.h"

using namespace sshca;
using namespace sshca::pam;

TEST_CASE("PamArgsDefaultsAndEveryOption") {
  auto a = parseModuleArgs({"ca_file=/etc/ssh/ca.pub"});
  REQUIRE(a.ok());
  CHECK(a->caFile == "/etc/ssh/ca.pub");
  CHECK(a->principal == "%u");
  CHECK(a->onFailure == FailureMode::AuthErr);
  CHECK_FALSE(a->krlFile);
  CHECK_FALSE(a->requireCert);
  CHECK(a->agentTimeoutSeconds == 30);

  auto b =
      parseModuleArgs({"ca_file=/c", "krl_file=/k", "authorized_principals_file=/p/%u", "principal=ops", "group=wheel",
                       "on_failure=ignore", "require_cert", "agent_timeout=5", "log_file=/l", "debug"});
  REQUIRE(b.ok());
  CHECK(*b->krlFile == "/k");
  CHECK(*b->authorizedPrincipalsFile == "/p/%u");
  CHECK(b->principal == "ops");
  CHECK(*b->group == "wheel");
  CHECK(b->onFailure == FailureMode::Ignore);
  CHECK(b->requireCert);
  CHECK(b->agentTimeoutSeconds == 5);
  CHECK(*b->logFile == "/l");
  CHECK(b->debug);
}

TEST_CASE("PamArgsRefuseWhatWouldSilentlyWeakenTheLine") {
  auto refused = [](std::vector<std::string> argv, const char* needle) {
    auto r = parseModuleArgs(argv);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::InvalidArgument);
    CHECK_THAT(r.error().message, Catch::Contains(needle));
  };
  refused({}, "ca_file=PATH is required");
  refused({"ca_file=/c", "krl=/k"}, "unknown option");
  refused({"ca_file=/c", "requirecert"}, "unknown option");
  refused({"ca_file=relative.pub"}, "absolute path");
  refused({"ca_file=/c", "krl_file="}, "empty value");
  refused({"ca_file=/c", "on_failure=success"}, "auth_err or ignore");
  refused({"ca_file=/c", "agent_timeout=0"}, "between 1 and 600");
  refused({"ca_file=/c", "agent_timeout=10s"}, "between 1 and 600");
}

TEST_CASE("PamUserTokensExpand") {
  CHECK(*expandUserTokens("/etc/ssh/principals/%u", "alice") == "/etc/ssh/principals/alice");
  CHECK(*expandUserTokens("%u-admin 100%%", "bob") == "bob-admin 100%");
  CHECK_FALSE(expandUserTokens("%h/.ssh", "bob").ok());
  CHECK_FALSE(expandUserTokens("trailing%", "bob").ok());
}
