// The SSH policy: requests only narrow what the credential allows.
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/service/policy/ssh_policy.h"

using namespace sshca;
using namespace sshca::policy;

namespace {

constexpr uint64_t kNow = 1800000000;

PublicKey anyKey() {
  ossl::EvpPkey k(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  return PublicKey::fromEvp(k.get()).value();
}

Identity alice() {
  Identity who;
  who.provisioner = "jwk:admin";
  who.subject = "alice";
  who.certType = ssh::CertType::User;
  who.principals = {"alice", "admin"};
  return who;
}

SshSignRequest request() {
  SshSignRequest r{.key = anyKey()};
  r.certType = ssh::CertType::User;
  return r;
}

std::string refusal(const Identity& who, const SshSignRequest& req, const SshPolicy& pol = {}) {
  auto t = applySshPolicy(who, req, pol, kNow);
  REQUIRE_FALSE(t.ok());
  return t.error().message;
}

}  // namespace

TEST_CASE("PolicyGivesEveryPrincipalOfTheCredentialWhenNoneRequested", "[policy]") {
  auto t = applySshPolicy(alice(), request(), SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->principals == std::vector<std::string>{"alice", "admin"});
  CHECK(t->keyId == "alice (jwk:admin)");
  CHECK(t->validAfter == kNow - 300);
  // The default length counts from now; the backdate lies before it.
  CHECK(t->validBefore == kNow + 16 * 3600);
  CHECK(t->extensions.count("permit-pty") == 1);
}

TEST_CASE("PolicyNarrowsToRequestedPrincipals", "[policy]") {
  auto req = request();
  req.principals = {"admin"};
  auto t = applySshPolicy(alice(), req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->principals == std::vector<std::string>{"admin"});
}

TEST_CASE("PolicyRefusesPrincipalsTheCredentialDoesNotName", "[policy]") {
  auto req = request();
  req.principals = {"alice", "root"};
  CHECK(refusal(alice(), req) == "principal 'root' is not allowed for 'alice'");
}

TEST_CASE("PolicyRefusesACredentialWithoutPrincipals", "[policy]") {
  auto who = alice();
  who.principals.clear();
  CHECK(refusal(who, request()) == "the credential of 'alice' names no principals");
}

TEST_CASE("PolicyRefusesAHostCertificateForAUserCredential", "[policy]") {
  auto req = request();
  req.certType = ssh::CertType::Host;
  CHECK(refusal(alice(), req) == "the credential allows a user certificate, not a host certificate");
}

TEST_CASE("PolicyRefusesAKeyIdOtherThanTheSubject", "[policy]") {
  auto req = request();
  req.keyId = "bob";
  CHECK(refusal(alice(), req).find("does not match the authenticated subject") != std::string::npos);
}

TEST_CASE("PolicyRefusesValidityOverTheMaximum", "[policy]") {
  auto req = request();
  req.validBefore = kNow + 25 * 3600;
  CHECK(refusal(alice(), req).find("exceeds the maximum of 86400 s") != std::string::npos);
  // The maximum counts from now too: the backdate does not use it up.
  req.validBefore = kNow + 24 * 3600;
  auto t = applySshPolicy(alice(), req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validAfter == kNow - 300);
  CHECK(t->validBefore == kNow + 24 * 3600);
}

TEST_CASE("PolicyNeverBackdatesMoreThanFiveMinutes", "[policy]") {
  auto req = request();
  req.validAfter = kNow - 86400;
  req.validBefore = kNow + 3600;
  auto t = applySshPolicy(alice(), req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validAfter == kNow - 300);
}

TEST_CASE("PolicyRefusesAStartInTheFutureUnlessTheCredentialSetsIt", "[policy]") {
  auto req = request();
  req.validAfter = kNow + 86400;
  req.validBefore = kNow + 86400 + 3600;
  CHECK(refusal(alice(), req).find("in the future") != std::string::npos);
  // A client clock a little ahead is fine.
  req.validAfter = kNow + 60;
  req.validBefore = kNow + 3600;
  auto t = applySshPolicy(alice(), req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validAfter == kNow + 60);
  // An enrollment token that says "from tomorrow" allows that start.
  Identity dated = alice();
  dated.validAfter = kNow + 86400;
  req.validAfter = kNow + 86400;
  req.validBefore = kNow + 86400 + 3600;
  t = applySshPolicy(dated, req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validAfter == kNow + 86400);
}

TEST_CASE("PolicyCapsValidityAtTheCredentialsEnd", "[policy]") {
  auto who = alice();
  who.validBefore = kNow + 600;
  auto t = applySshPolicy(who, request(), SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validBefore == kNow + 600);
  auto req = request();
  req.validBefore = kNow + 3600;
  CHECK(refusal(who, req) == "requested validity ends after the credential allows");
}

TEST_CASE("PolicyEnforcesPrincipalPatterns", "[policy]") {
  SshPolicy pol;
  pol.user.allowedPrincipalPatterns = {"a*"};
  auto req = request();
  req.principals = {"admin"};
  CHECK(applySshPolicy(alice(), req, pol, kNow).ok());
  pol.user.allowedPrincipalPatterns = {"ops-*"};
  CHECK(refusal(alice(), req, pol) == "principal 'admin' matches no allowed pattern of the provisioner");
}

TEST_CASE("PolicyHostCertificatesGetThirtyDaysAndNoExtensions", "[policy]") {
  Identity host;
  host.provisioner = "jwk:enroll";
  host.subject = "web1.example.com";
  host.certType = ssh::CertType::Host;
  host.principals = {"web1.example.com", "web1"};
  auto req = request();
  req.certType = ssh::CertType::Host;
  auto t = applySshPolicy(host, req, SshPolicy{}, kNow);
  REQUIRE(t.ok());
  CHECK(t->validAfter == kNow - 300);
  CHECK(t->validBefore == kNow + 30 * 86400);
  CHECK(t->extensions.empty());
}

TEST_CASE("PolicyStillAppliesTheCertificateRules", "[policy]") {
  auto who = alice();
  who.principals = {"root*"};
  CHECK(refusal(who, request()).find("pattern character '*'") != std::string::npos);
}
