// Principal rules (policy/principal_rules.h): what an OIDC identity maps
// to, and who is refused before any principal is derived.
#include <catch2/catch.hpp>

#include "ca/service/policy/principal_rules.h"

using namespace sshca;
using namespace sshca::policy;

namespace {

Identity person(std::string email, std::vector<std::string> groups, bool verified = true) {
  Identity who;
  who.provisioner = "corp";
  who.sub = "sub-" + email;
  who.email = email;
  who.subject = email;
  who.emailVerified = verified;
  who.preferredUsername = email.substr(0, email.find('@'));
  who.groups = std::move(groups);
  return who;
}

PrincipalRules corpRules() {
  PrincipalRules r;
  r.claims = {PrincipalClaim::EmailLocal};
  r.groups = {{"admins", {"root"}}, {"ssh-users", {}}};
  r.allowedDomains = {"example.com"};
  return r;
}

std::vector<std::string> principals(const Identity& who, const PrincipalRules& r) {
  auto p = principalsFor(who, r);
  REQUIRE(p.ok());
  return *p;
}

std::string refusal(const Identity& who, const PrincipalRules& r) {
  auto p = principalsFor(who, r);
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == ErrorCode::PermissionDenied);
  return p.error().message;
}

}  // namespace

TEST_CASE("principal rules: email local part, then group principals, no duplicates") {
  CHECK(principals(person("alice@example.com", {"admins", "ssh-users"}), corpRules()) ==
        std::vector<std::string>{"alice", "root"});
  CHECK(principals(person("bob@example.com", {"ssh-users"}), corpRules()) == std::vector<std::string>{"bob"});
  auto rules = corpRules();
  rules.groups["admins"] = {"root", "alice"};
  CHECK(principals(person("alice@example.com", {"admins"}), rules) == std::vector<std::string>{"alice", "root"});
}

TEST_CASE("principal rules: sanitized email, preferred_username and sub") {
  CHECK(sanitizedEmailLocal("Erin.O'Brien+ops@Example.com") == "erin.o_brien");
  PrincipalRules r;
  r.claims = {PrincipalClaim::EmailLocalSanitized, PrincipalClaim::PreferredUsername, PrincipalClaim::Subject};
  auto who = person("Erin+x@example.com", {});
  who.preferredUsername = "erin";
  who.sub = "248289761001";
  CHECK(principals(who, r) == std::vector<std::string>{"erin", "248289761001"});
}

TEST_CASE("principal rules: a claim that is no usable principal is skipped") {
  PrincipalRules r;
  r.claims = {PrincipalClaim::PreferredUsername, PrincipalClaim::EmailLocal};
  auto who = person("carol@example.com", {});
  who.preferredUsername = "carol smith";
  CHECK(principals(who, r) == std::vector<std::string>{"carol"});
  who.preferredUsername = "*";
  CHECK(principals(who, r) == std::vector<std::string>{"carol"});
}

TEST_CASE("principal rules: unverified email is refused unless allowed") {
  auto dave = person("dave@example.com", {"ssh-users"}, false);
  CHECK_THAT(refusal(dave, corpRules()), Catch::Contains("not verified"));
  auto r = corpRules();
  r.requireEmailVerified = false;
  CHECK(principals(dave, r) == std::vector<std::string>{"dave"});
}

TEST_CASE("principal rules: a domain not allowed is refused, case-insensitively matched") {
  CHECK_THAT(refusal(person("carol@other.org", {"ssh-users"}), corpRules()), Catch::Contains("domain"));
  CHECK(principals(person("bob@EXAMPLE.com", {}), corpRules()) == std::vector<std::string>{"bob"});
  // A subdomain is another domain.
  refusal(person("eve@evil.example.com", {}), corpRules());
}

TEST_CASE("principal rules: required groups") {
  auto r = corpRules();
  r.requiredGroups = {"ssh-users"};
  CHECK(principals(person("bob@example.com", {"ssh-users"}), r) == std::vector<std::string>{"bob"});
  CHECK_THAT(refusal(person("erin@example.com", {}), r), Catch::Contains("required group 'ssh-users'"));
}

TEST_CASE("principal rules: no rule matched is refused") {
  PrincipalRules r;
  r.groups = {{"admins", {"root"}}};
  CHECK_THAT(refusal(person("bob@example.com", {"ssh-users"}), r), Catch::Contains("no principal rule"));
  PrincipalRules emailOnly;
  emailOnly.claims = {PrincipalClaim::EmailLocal};
  emailOnly.requireEmailVerified = false;
  Identity noEmail;
  noEmail.provisioner = "corp";
  noEmail.sub = noEmail.subject = "opaque-sub";
  CHECK_THAT(refusal(noEmail, emailOnly), Catch::Contains("no principal rule"));
}

TEST_CASE("principal rules: claim names parse and print back") {
  for (auto name : {"email-local", "email-local-sanitized", "preferred_username", "sub"})
    CHECK(principalClaimName(parsePrincipalClaim(name).value()) == name);
  CHECK_FALSE(parsePrincipalClaim("email").ok());
}
