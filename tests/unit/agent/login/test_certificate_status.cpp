// sshca-agent status's marks: revoked by the installed KRL (by serial under
// the certificate's CA, by key ID, or by any CA), expired, expiring soon,
// and unmarked when fine or when no KRL could be read.
#include <catch2/catch.hpp>

#include "agent/login/certificate_status.h"
#include "tests/fakes/evp_test_signer.h"

using namespace sshca;
using agent::certificateMark;

namespace {

constexpr int64_t kNow = 1800000000;

ssh::Certificate certificate(uint64_t serial, uint64_t validBefore, const PublicKey& ca) {
  return ssh::Certificate{.key = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey(),
                          .serial = serial,
                          .keyId = "alice@example.com (oidc:corp)",
                          .validAfter = kNow - 60,
                          .validBefore = validBefore,
                          .signatureKey = ca};
}

}  // namespace

TEST_CASE("AgentStatusMarksRevokedExpiredAndExpiringCertificates", "[agent]") {
  PublicKey ca = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256)->publicKey();
  PublicKey otherCa = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256)->publicKey();
  ssh::Krl krl;
  krl.certificates.push_back({ca, {7}, {}});
  krl.certificates.push_back({otherCa, {8}, {}});

  const uint64_t later = kNow + 8 * 3600;
  CHECK(certificateMark(certificate(7, later, ca), krl, kNow) == "REVOKED (in the KRL)");
  CHECK(certificateMark(certificate(8, later, ca), krl, kNow).empty());           // serial 8 of another CA
  CHECK(certificateMark(certificate(7, later, ca), std::nullopt, kNow).empty());  // no KRL: not checked
  CHECK(certificateMark(certificate(9, kNow, ca), krl, kNow) == "EXPIRED");
  CHECK(certificateMark(certificate(9, kNow + 600, ca), krl, kNow) == "EXPIRES SOON");
  CHECK(certificateMark(certificate(9, UINT64_MAX, ca), krl, kNow).empty());  // forever

  ssh::Krl byKeyId;
  byKeyId.certificates.push_back({std::nullopt, {}, {"alice@example.com (oidc:corp)"}});
  CHECK(certificateMark(certificate(9, later, ca), byKeyId, kNow) == "REVOKED (in the KRL)");
}
