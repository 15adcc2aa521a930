#include <catch2/catch.hpp>

#include "ca/core/common/random.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/ssh/sshsig.h"
#include "pam/possession_proof.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

ssh::Certificate certFor(const Signer& user, const Signer& ca) {
  ssh::CertTemplate t{user.publicKey()};
  t.keyId = "k";
  t.principals = {"alice"};
  t.validAfter = 0;
  t.validBefore = 4'000'000'000;
  auto c = ssh::signCertificate(t, ca, systemRandom());
  REQUIRE(c.ok());
  return *c;
}

}  // namespace

TEST_CASE("PamPossessionProofAcceptsTheKeyHoldersSshsig") {
  for (auto alg : {KeyAlgorithm::Ed25519, KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::Rsa}) {
    auto ca = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
    auto user = test::EvpTestSigner::generate(alg);
    const auto cert = certFor(*user, *ca);
    Bytes seenKey, seenData;
    AgentSignFn agent = [&](std::span<const uint8_t> key, std::span<const uint8_t> data) -> Result<Bytes> {
      seenKey.assign(key.begin(), key.end());
      seenData.assign(data.begin(), data.end());
      return ssh::makeSignatureBlob(*user, data);
    };
    CHECK(provePossession(agent, cert, systemRandom()).ok());
    CHECK(seenKey == cert.wire);  // the agent is asked by the certificate
    // What the agent signs is an SSHSIG preamble in our namespace.
    CHECK(asString(seenData).substr(0, 6) == "SSHSIG");
    CHECK(asString(seenData).find(std::string(ssh::kPamSignatureNamespace)) != std::string_view::npos);
  }
}

TEST_CASE("PamPossessionProofUsesAFreshChallenge") {
  auto ca = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  auto user = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  const auto cert = certFor(*user, *ca);
  std::vector<Bytes> seen;
  AgentSignFn agent = [&](std::span<const uint8_t>, std::span<const uint8_t> data) -> Result<Bytes> {
    seen.emplace_back(data.begin(), data.end());
    return ssh::makeSignatureBlob(*user, data);
  };
  REQUIRE(provePossession(agent, cert, systemRandom()).ok());
  REQUIRE(provePossession(agent, cert, systemRandom()).ok());
  CHECK(seen[0] != seen[1]);

  test::ScriptedRandom empty;  // no randomness: no proof
  CHECK_FALSE(provePossession(agent, cert, empty).ok());
}

TEST_CASE("PamPossessionProofRefusesAnAgentWithoutTheKey") {
  auto ca = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  auto user = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  auto impostor = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  const auto cert = certFor(*user, *ca);

  AgentSignFn wrongKey = [&](std::span<const uint8_t>, std::span<const uint8_t> data) {
    return ssh::makeSignatureBlob(*impostor, data);
  };
  auto r = provePossession(wrongKey, cert, systemRandom());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Unauthenticated);

  AgentSignFn replay = [&](std::span<const uint8_t>, std::span<const uint8_t>) {
    return ssh::makeSignatureBlob(*user, asBytes("an old challenge"));
  };
  CHECK_FALSE(provePossession(replay, cert, systemRandom()).ok());

  AgentSignFn garbage = [](std::span<const uint8_t>, std::span<const uint8_t>) -> Result<Bytes> {
    return Bytes{1, 2, 3};
  };
  CHECK_FALSE(provePossession(garbage, cert, systemRandom()).ok());

  AgentSignFn refusing = [](std::span<const uint8_t>, std::span<const uint8_t>) -> Result<Bytes> {
    return makeError(ErrorCode::Unavailable, "agent refused operation");
  };
  auto refused = provePossession(refusing, cert, systemRandom());
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.error().message, Catch::Contains("agent refused operation"));
}
