// How late an expired certificate may still serve for a renewal
// (policy/ssh_renewal.h): within the provisioner's grace, never longer than
// the certificate's own validity length, never without a grace.
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "ca/service/policy/ssh_renewal.h"
#include "tests/fakes/evp_test_signer.h"

using namespace sshca;

namespace {

ssh::Certificate validFor(uint64_t after, uint64_t before) {
  PublicKey key = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey();
  ssh::Certificate c{.key = key, .signatureKey = key};
  c.validAfter = after;
  c.validBefore = before;
  return c;
}

constexpr uint64_t kDay = 86400;
constexpr uint64_t kEnd = 1800000000;

}  // namespace

TEST_CASE("RenewalGraceRefusesAnExpiredCertificateWithoutAGrace") {
  auto cert = validFor(kEnd - 30 * kDay, kEnd);
  CHECK(policy::checkPresentedCertificateTime(cert, kEnd - 1, 60, 0).ok());
  auto late = policy::checkPresentedCertificateTime(cert, kEnd, 60, 0);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::Unauthenticated);
  CHECK_THAT(late.error().message, Catch::Contains("renewalGracePeriod"));
}

TEST_CASE("RenewalGraceAcceptsOnlyWithinTheGrace") {
  auto cert = validFor(kEnd - 30 * kDay, kEnd);
  CHECK(policy::checkPresentedCertificateTime(cert, kEnd + 3 * kDay - 1, 60, 3 * kDay).ok());
  auto past = policy::checkPresentedCertificateTime(cert, kEnd + 3 * kDay, 60, 3 * kDay);
  REQUIRE_FALSE(past.ok());
  CHECK_THAT(past.error().message, Catch::Contains("past the renewal grace period"));
}

TEST_CASE("RenewalGraceIsCappedByTheCertificatesOwnLength") {
  // A 1-day certificate and a grace of "forever": at most one day late.
  auto cert = validFor(kEnd - kDay, kEnd);
  const uint64_t forever = std::numeric_limits<uint64_t>::max();
  CHECK(policy::checkPresentedCertificateTime(cert, kEnd + kDay - 1, 60, forever).ok());
  CHECK_FALSE(policy::checkPresentedCertificateTime(cert, kEnd + kDay, 60, forever).ok());
  CHECK_FALSE(policy::checkPresentedCertificateTime(cert, kEnd + 10 * 365 * kDay, 60, forever).ok());
}

TEST_CASE("RenewalGraceKeepsRefusingACertificateNotValidYet") {
  auto cert = validFor(kEnd, kEnd + kDay);
  CHECK_FALSE(policy::checkPresentedCertificateTime(cert, kEnd - 120, 60, kDay).ok());
  CHECK(policy::checkPresentedCertificateTime(cert, kEnd - 30, 60, kDay).ok());
}
