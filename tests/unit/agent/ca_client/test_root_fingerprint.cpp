// Root pinning at `sshca-agent bootstrap` (agent/ca_client/root_fingerprint.h): the
// fingerprint as people type it, and picking the pinned root out of what
// /roots served. The expected fingerprints come from `openssl x509`, not
// from our own hashing.
#include <algorithm>
#include <cctype>

#include <catch2/catch.hpp>

#include "agent/ca_client/root_fingerprint.h"
#include "ca/core/x509/x509_pem.h"
#include "tests/unit/support/ssh_fixtures.h"
#include "tests/unit/support/x509_test_pki.h"

using namespace sshca;
using sshca::agent::normalizeFingerprint;
using sshca::agent::rootMatchingFingerprint;
using sshca::test::must;

namespace {

// "AB:CD:..." from `openssl x509 -fingerprint -sha256`, as lower-case hex.
std::string opensslFingerprint(const test::TempDir& dir, const std::string& pem) {
  test::writeText(dir.file("cert.pem"), pem);
  auto r = test::run("openssl x509 -noout -fingerprint -sha256 -in " + test::shellQuote(dir.file("cert.pem")));
  REQUIRE(r.status == 0);
  std::string hex = r.output.substr(r.output.find('=') + 1);
  hex.erase(std::remove_if(hex.begin(), hex.end(), [](char c) { return c == ':' || c == '\n'; }), hex.end());
  std::transform(hex.begin(), hex.end(), hex.begin(), [](unsigned char c) { return std::tolower(c); });
  REQUIRE(hex.size() == 64);
  return hex;
}

}  // namespace

TEST_CASE("FingerprintTakesColonsAndAnyCase", "[agent-bootstrap]") {
  const std::string hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  CHECK(must(normalizeFingerprint(hex)) == hex);
  CHECK(must(normalizeFingerprint("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:"
                                  "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef")) == hex);
}

TEST_CASE("FingerprintRefusesOtherLengthsAndNonHex", "[agent-bootstrap]") {
  auto shortOne = normalizeFingerprint("0123456789abcdef");
  REQUIRE_FALSE(shortOne.ok());
  CHECK_THAT(shortOne.error().message, Catch::Contains("has 16 hex digits"));
  auto sha1 = normalizeFingerprint(std::string(40, 'a'));
  REQUIRE_FALSE(sha1.ok());
  CHECK_THAT(sha1.error().message, Catch::Contains("a SHA-256 fingerprint has 64"));
  for (const char* bad :
       {"SHA256:abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg", "01 23", ""}) {
    auto r = normalizeFingerprint(bad);
    INFO(bad);
    CHECK_FALSE(r.ok());
  }
}

TEST_CASE("RootMatchingFingerprintPicksThePinnedRoot", "[agent-bootstrap]") {
  test::TempDir dir;
  test::TestPki pki;
  const std::string rootPem = must(x509::toPem(*pki.root));
  const std::string intermediatePem = must(x509::toPem(*pki.intermediate));
  const std::string rootFp = opensslFingerprint(dir, rootPem);

  // The bundle in any order: the match is by fingerprint, not position.
  CHECK(must(rootMatchingFingerprint(intermediatePem + rootPem, rootFp)) == rootPem);
  CHECK(must(rootMatchingFingerprint(rootPem, rootFp)) == rootPem);
}

TEST_CASE("RootMatchingFingerprintRefusesAnotherCa", "[agent-bootstrap]") {
  test::TempDir dir;
  test::TestPki pinned, other;
  const std::string otherPem = must(x509::toPem(*other.root));
  const std::string pinnedFp = opensslFingerprint(dir, must(x509::toPem(*pinned.root)));

  auto r = rootMatchingFingerprint(otherPem, pinnedFp);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Unauthenticated);
  CHECK_THAT(r.error().message, Catch::Contains("does not match --fingerprint " + pinnedFp));
  CHECK_THAT(r.error().message, Catch::Contains(opensslFingerprint(dir, otherPem)));
  CHECK_THAT(r.error().message, Catch::Contains("nothing was stored"));

  auto garbage = rootMatchingFingerprint("not a certificate", pinnedFp);
  CHECK_FALSE(garbage.ok());
}
