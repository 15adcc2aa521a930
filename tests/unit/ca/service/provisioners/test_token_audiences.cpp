// Token audiences as step-ca 0.19 builds and compares them: every name of
// the CA, with and without "/1.0", step's generic sign path for /ssh/sign,
// the SSHPOP fragment, and the port left out of the comparison.
#include <algorithm>

#include <catch2/catch.hpp>

#include "ca/core/jose/audience_url.h"
#include "ca/core/jose/jwt_claims.h"
#include "ca/service/provisioners/token_audiences.h"

using namespace sshca;

namespace {

bool has(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

TEST_CASE("StepAudiencesNameEveryCaNameAndTheUrl", "[audience]") {
  auto auds = provisioners::stepAudiences("https://ca.example.com:8443/", {"ca.example.com", "127.0.0.1", "::1"},
                                          "/1.0/ssh/sign");
  CHECK(has(auds, "https://ca.example.com:8443/1.0/ssh/sign"));
  CHECK(has(auds, "https://ca.example.com:8443/ssh/sign"));
  CHECK(has(auds, "https://ca.example.com/1.0/ssh/sign"));
  CHECK(has(auds, "https://127.0.0.1/ssh/sign"));
  CHECK(has(auds, "https://[::1]/1.0/ssh/sign"));
  // What `step ssh certificate` writes.
  CHECK(has(auds, "https://127.0.0.1/1.0/sign"));
  CHECK(has(auds, "https://ca.example.com:8443/sign"));
  CHECK_FALSE(has(auds, "https://127.0.0.1/1.0/ssh/renew"));
}

TEST_CASE("StepAudiencesOfOtherEndpointsHaveNoSignPath", "[audience]") {
  auto auds = provisioners::stepAudiences("https://ca:8443", {"ca"}, "/ssh/renew", "sshpop/sshpop");
  CHECK(has(auds, "https://ca/1.0/ssh/renew#sshpop/sshpop"));
  CHECK(has(auds, "https://ca:8443/ssh/renew#sshpop/sshpop"));
  CHECK_FALSE(has(auds, "https://ca/1.0/sign#sshpop/sshpop"));
  CHECK_FALSE(has(auds, "https://ca/1.0/ssh/renew"));
}

TEST_CASE("AudienceWithoutPortStripsOnlyTheAuthoritysPort", "[audience]") {
  CHECK(jose::audienceWithoutPort("https://ca:8443/1.0/sign#x") == "https://ca/1.0/sign#x");
  CHECK(jose::audienceWithoutPort("https://ca/1.0/sign") == "https://ca/1.0/sign");
  CHECK(jose::audienceWithoutPort("https://[::1]:8443/ssh/sign") == "https://[::1]/ssh/sign");
  CHECK(jose::audienceWithoutPort("https://[::1]/ssh/sign") == "https://[::1]/ssh/sign");
  CHECK(jose::audienceWithoutPort("https://ca:x/1.0") == "https://ca:x/1.0");
  CHECK(jose::audienceWithoutPort("not a url") == "not a url");
}

TEST_CASE("ClaimChecksCompareAudiencesWithoutPortsOnlyWhenAsked", "[audience]") {
  nlohmann::json payload = {{"iss", "p"}, {"aud", "https://127.0.0.1:9999/1.0/sign"}, {"exp", 2000}, {"jti", "j"}};
  jose::ClaimChecks checks;
  checks.issuer = "p";
  checks.audiences = {"https://127.0.0.1/1.0/sign"};
  checks.now = 1000;
  CHECK_FALSE(jose::checkClaims(payload, checks).ok());
  checks.audienceIgnoresPort = true;
  CHECK(jose::checkClaims(payload, checks).ok());
  // Another host or path still differs.
  payload["aud"] = "https://127.0.0.2:9999/1.0/sign";
  CHECK_FALSE(jose::checkClaims(payload, checks).ok());
  payload["aud"] = "https://127.0.0.1:9999/1.0/revoke";
  CHECK_FALSE(jose::checkClaims(payload, checks).ok());
}
