// Which names a host certificate's principals cover for a TLS certificate
// (policy/tls_policy.h): DNS names by equal principals in any case, IP
// addresses only by IP principals, wildcards only when a principal is the
// same wildcard and the policy allows it; and the validity, never past the
// host certificate's end by more than the policy says.
#include <catch2/catch.hpp>

#include "ca/service/policy/tls_policy.h"
#include "tests/fakes/evp_test_signer.h"

using namespace sshca;

namespace {

using Kind = x509::SubjectAltName::Kind;

constexpr uint64_t kDay = 86400;
constexpr int64_t kNow = 1800000000;

ssh::Certificate hostCert(std::vector<std::string> principals, ssh::CertType type = ssh::CertType::Host) {
  PublicKey key = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey();
  ssh::Certificate c{.key = key, .signatureKey = key};
  c.type = type;
  c.principals = std::move(principals);
  c.validAfter = kNow - kDay;
  c.validBefore = kNow + 30 * kDay;
  return c;
}

x509::SubjectAltName dns(std::string v) { return {Kind::Dns, std::move(v)}; }
x509::SubjectAltName ip(std::string v) { return {Kind::Ip, std::move(v)}; }

Result<std::vector<x509::SubjectAltName>> names(const ssh::Certificate& c, std::vector<x509::SubjectAltName> asked,
                                                policy::TlsPolicy p = {}, std::string cn = "") {
  return policy::authorisedTlsNames(c, asked, cn, p);
}

}  // namespace

TEST_CASE("TlsPolicyIssuesThePrincipalsOfAHostCertificate") {
  auto c = hostCert({"web1.example.com", "192.0.2.7"});
  auto got = names(c, {dns("web1.example.com"), ip("192.0.2.7")}, {}, "web1.example.com");
  REQUIRE(got.ok());
  CHECK(got->size() == 2);
}

TEST_CASE("TlsPolicyRefusesANameThatIsNotAPrincipal") {
  auto c = hostCert({"web1.example.com"});
  auto got = names(c, {dns("web1.example.com"), dns("mail.example.com")});
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(got.error().message, Catch::Contains("DNS:mail.example.com is not a principal"));
}

TEST_CASE("TlsPolicyFoldsTheCaseOfPrincipals") {
  auto c = hostCert({"Web1.EXAMPLE.com"});
  CHECK(names(c, {dns("web1.example.com")}).ok());
  CHECK(policy::principalCoversName("WEB1.example.COM", dns("web1.example.com"), false));
}

TEST_CASE("TlsPolicyGivesIpAddressesOnlyForIpPrincipals") {
  auto c = hostCert({"192.0.2.7", "db1"});
  CHECK(names(c, {ip("192.0.2.7")}).ok());
  // A DNS principal never covers an address, nor an address principal a DNS name.
  CHECK_FALSE(names(c, {ip("192.0.2.8")}).ok());
  auto asDns = names(c, {dns("192.0.2.7")});
  REQUIRE_FALSE(asDns.ok());
  CHECK_THAT(asDns.error().message, Catch::Contains("is an IP address"));
  CHECK_FALSE(policy::principalCoversName("192.0.2.7", dns("192.0.2.7"), false));
  CHECK_FALSE(policy::principalCoversName("db1", ip("192.0.2.7"), false));
}

TEST_CASE("TlsPolicyMatchesIpv6PrincipalsInAnyTextualForm") {
  auto c = hostCert({"2001:DB8:0:0::1"});
  CHECK(names(c, {ip("2001:db8::1")}).ok());
}

TEST_CASE("TlsPolicyRefusesWildcardsUnlessAPrincipalIsOneAndPolicyAllows") {
  auto concrete = hostCert({"www.example.com"});
  auto wild = hostCert({"*.example.com"});
  policy::TlsPolicy allow;
  allow.allowWildcards = true;
  // Not allowed: refused even for the same wildcard principal.
  auto refused = names(wild, {dns("*.example.com")});
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("wildcard"));
  // Allowed: only the identical wildcard principal covers it.
  CHECK(names(wild, {dns("*.example.com")}, allow).ok());
  CHECK_FALSE(names(concrete, {dns("*.example.com")}, allow).ok());
  // A wildcard principal never covers a concrete name.
  CHECK_FALSE(names(wild, {dns("www.example.com")}, allow).ok());
}

TEST_CASE("TlsPolicyRefusesAUserCertificate") {
  auto c = hostCert({"alice"}, ssh::CertType::User);
  auto got = names(c, {dns("alice")});
  REQUIRE_FALSE(got.ok());
  CHECK(got.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(got.error().message, Catch::Contains("user certificate"));
}

TEST_CASE("TlsPolicyTakesTheCommonNameWhenThereAreNoSans") {
  auto c = hostCert({"web1.example.com", "192.0.2.7"});
  auto byName = names(c, {}, {}, "Web1.Example.com");
  REQUIRE(byName.ok());
  CHECK(*byName == std::vector<x509::SubjectAltName>{dns("web1.example.com")});
  auto byIp = names(c, {}, {}, "192.0.2.7");
  REQUIRE(byIp.ok());
  CHECK(*byIp == std::vector<x509::SubjectAltName>{ip("192.0.2.7")});
  CHECK(names(c, {}, {}, "").error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("TlsPolicyRefusesACommonNameOutsideTheSans") {
  auto c = hostCert({"web1.example.com", "web2.example.com"});
  auto got = names(c, {dns("web1.example.com")}, {}, "web2.example.com");
  REQUIRE_FALSE(got.ok());
  CHECK_THAT(got.error().message, Catch::Contains("CN"));
}

TEST_CASE("TlsValidityIsThePolicyDefaultWithinTheHostCertificate") {
  auto c = hostCert({"h"});
  policy::TlsPolicy p;
  p.defaultValiditySeconds = 7 * kDay;
  p.maxValiditySeconds = 60 * kDay;
  auto v = policy::tlsValidity(c, std::nullopt, p, kNow);
  REQUIRE(v.ok());
  CHECK(v->first == kNow - static_cast<int64_t>(p.backdateSeconds));
  CHECK(v->second == kNow + static_cast<int64_t>(7 * kDay));
  // A longer default is cut at the host certificate's end ...
  p.defaultValiditySeconds = 60 * kDay;
  CHECK(policy::tlsValidity(c, std::nullopt, p, kNow)->second == static_cast<int64_t>(c.validBefore));
  // ... or that end plus what the policy allows past it.
  p.maxPastHostCertificateSeconds = kDay;
  CHECK(policy::tlsValidity(c, std::nullopt, p, kNow)->second == static_cast<int64_t>(c.validBefore + kDay));
}

TEST_CASE("TlsValidityHonoursAShorterNotAfterAndRefusesALongerOne") {
  auto c = hostCert({"h"});
  policy::TlsPolicy p;
  CHECK(policy::tlsValidity(c, kNow + 3600, p, kNow)->second == kNow + 3600);
  auto tooLong = policy::tlsValidity(c, kNow + 31 * kDay, p, kNow);
  REQUIRE_FALSE(tooLong.ok());
  CHECK(tooLong.error().code == ErrorCode::PermissionDenied);
  CHECK(policy::tlsValidity(c, kNow - 1, p, kNow).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("TlsValidityRefusesAnExpiredHostCertificate") {
  auto c = hostCert({"h"});
  c.validBefore = kNow - 10;
  auto v = policy::tlsValidity(c, std::nullopt, {}, kNow);
  REQUIRE_FALSE(v.ok());
  CHECK_THAT(v.error().message, Catch::Contains("expired"));
}
