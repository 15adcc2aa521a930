// What sshca-agent accepts from the CA before it replaces a host's
// certificate on disk (agent/host/issued_host_certificate.h): a host
// certificate, for the key it asked about, signed by a pinned host CA key,
// and valid now. Anything else must leave the working certificate alone.
#include <catch2/catch.hpp>

#include "agent/ca_client/ca_api.h"
#include "agent/host/issued_host_certificate.h"
#include "ca/core/common/random.h"
#include "tests/fakes/evp_test_signer.h"

using namespace sshca;
using sshca::agent::checkIssuedHostCertificate;
using sshca::test::EvpTestSigner;

namespace {

constexpr uint64_t kNow = 1800000000;

struct Lab {
  std::shared_ptr<EvpTestSigner> hostCa = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  std::shared_ptr<EvpTestSigner> hostKey = EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  std::vector<PublicKey> pinned{hostCa->publicKey()};

  ssh::Certificate issue(uint64_t validAfter, uint64_t validBefore, ssh::CertType type = ssh::CertType::Host,
                         const Signer* ca = nullptr) {
    ssh::CertTemplate t{.key = hostKey->publicKey()};
    t.type = type;
    t.keyId = "web1";
    t.principals = {"web1.example.com"};
    t.validAfter = validAfter;
    t.validBefore = validBefore;
    auto cert = ssh::signCertificate(t, ca ? *ca : *hostCa, systemRandom());
    REQUIRE(cert.ok());
    return *cert;
  }
};

std::string refusal(const Lab& lab, const ssh::Certificate& cert, const PublicKey& key, uint64_t now = kNow) {
  Status s = checkIssuedHostCertificate(cert, key, lab.pinned, now);
  REQUIRE_FALSE(s.ok());
  return s.error().message;
}

}  // namespace

TEST_CASE("IssuedHostCertificateIsAcceptedWhenItIsOurs", "[agent-host]") {
  Lab lab;
  auto cert = lab.issue(kNow - 300, kNow + 30 * 86400);
  CHECK(checkIssuedHostCertificate(cert, lab.hostKey->publicKey(), lab.pinned, kNow).ok());
  // The CA's clock a little ahead of ours is fine.
  CHECK(
      checkIssuedHostCertificate(lab.issue(kNow + 240, kNow + 86400), lab.hostKey->publicKey(), lab.pinned, kNow).ok());
}

TEST_CASE("IssuedHostCertificateRefusedWhenNotValidNow", "[agent-host]") {
  Lab lab;
  CHECK_THAT(refusal(lab, lab.issue(kNow + 3 * 86400, kNow + 33 * 86400), lab.hostKey->publicKey()),
             Catch::Contains("not valid before") && Catch::Contains("check the clocks"));
  CHECK_THAT(refusal(lab, lab.issue(kNow - 86400, kNow), lab.hostKey->publicKey()), Catch::Contains("expired at"));
}

TEST_CASE("IssuedHostCertificateRefusedWhenNotForUsOrNotPinned", "[agent-host]") {
  Lab lab;
  CHECK_THAT(refusal(lab, lab.issue(kNow - 300, kNow + 86400, ssh::CertType::User), lab.hostKey->publicKey()),
             Catch::Contains("user certificate"));
  auto otherKey = EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  CHECK_THAT(refusal(lab, lab.issue(kNow - 300, kNow + 86400), otherKey->publicKey()),
             Catch::Contains("for another key"));
  auto otherCa = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  CHECK_THAT(
      refusal(lab, lab.issue(kNow - 300, kNow + 86400, ssh::CertType::Host, otherCa.get()), lab.hostKey->publicKey()),
      Catch::Contains("not by the host CA key pinned at bootstrap"));
}
