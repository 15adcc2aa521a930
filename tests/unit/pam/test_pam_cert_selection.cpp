#include <catch2/catch.hpp>

#include "ca/core/common/random.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "pam/cert_selection.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

constexpr uint64_t kNow = 1'900'000'000;

struct Fixture {
  std::shared_ptr<test::EvpTestSigner> ca = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  std::shared_ptr<test::EvpTestSigner> otherCa = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  std::shared_ptr<test::EvpTestSigner> user = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  TrustAnchors trust{{ca->publicKey()}, std::nullopt};
  SelectionContext ctx{{"alice"}, kNow, std::string("192.0.2.7")};

  ssh::CertTemplate tmpl(uint64_t serial) const {
    ssh::CertTemplate t{user->publicKey()};
    t.keyId = "alice@test";
    t.principals = {"alice"};
    t.validAfter = kNow - 60;
    t.validBefore = kNow + 3600;
    t.serial = serial;
    return t;
  }
  Bytes sign(const ssh::CertTemplate& t, const Signer& by) const {
    auto c = ssh::signCertificate(t, by, systemRandom());
    REQUIRE(c.ok());
    return c->wire;
  }
  Bytes sign(const ssh::CertTemplate& t) const { return sign(t, *ca); }
};

void refusedWith(const Result<ssh::Certificate>& r, const char* needle) {
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains(needle));
}

}  // namespace

TEST_CASE("PamCertSelectionTakesAValidCertificateOfOurs") {
  Fixture f;
  auto cert = checkAuthCertificate(f.sign(f.tmpl(7)), f.trust, f.ctx);
  REQUIRE(cert.ok());
  CHECK(cert->serial == 7);
  CHECK(cert->key == f.user->publicKey());
}

TEST_CASE("PamCertSelectionRefusesEachBrokenRule") {
  Fixture f;
  refusedWith(checkAuthCertificate(f.sign(f.tmpl(1), *f.otherCa), f.trust, f.ctx), "not in ca_file");

  auto host = f.tmpl(2);
  host.type = ssh::CertType::Host;
  host.principals = {"web1"};
  refusedWith(checkAuthCertificate(f.sign(host), f.trust, f.ctx), "host certificate");

  auto expired = f.tmpl(3);
  expired.validBefore = kNow;  // valid before is exclusive
  refusedWith(checkAuthCertificate(f.sign(expired), f.trust, f.ctx), "expired");
  auto future = f.tmpl(4);
  future.validAfter = kNow + 1;
  refusedWith(checkAuthCertificate(f.sign(future), f.trust, f.ctx), "not yet valid");

  auto wrong = f.tmpl(5);
  wrong.principals = {"bob", "alice2"};
  refusedWith(checkAuthCertificate(f.sign(wrong), f.trust, f.ctx), "no principal");

  auto forced = f.tmpl(6);
  forced.criticalOptions = {{"force-command", "/bin/true"}};
  refusedWith(checkAuthCertificate(f.sign(forced), f.trust, f.ctx), "force-command");
}

TEST_CASE("PamCertSelectionHonoursSourceAddressAgainstTheRemoteHost") {
  Fixture f;
  auto t = f.tmpl(8);
  t.criticalOptions = {{"source-address", "192.0.2.0/24"}};
  const Bytes blob = f.sign(t);
  CHECK(checkAuthCertificate(blob, f.trust, f.ctx).ok());
  f.ctx.remoteAddress = "198.51.100.1";
  refusedWith(checkAuthCertificate(blob, f.trust, f.ctx), "source-address");
  f.ctx.remoteAddress = std::nullopt;  // sudo without PAM_RHOST: fail closed
  refusedWith(checkAuthCertificate(blob, f.trust, f.ctx), "unknown address");
}

TEST_CASE("PamCertSelectionRefusesRevokedCertificates") {
  Fixture f;
  ssh::Krl krl;
  krl.certificates.push_back({f.ca->publicKey(), {42}, {}});
  f.trust.krl = krl;
  refusedWith(checkAuthCertificate(f.sign(f.tmpl(42)), f.trust, f.ctx), "revoked in krl_file");
  CHECK(checkAuthCertificate(f.sign(f.tmpl(43)), f.trust, f.ctx).ok());
}

TEST_CASE("PamCertSelectionRefusesUnknownCriticalOptions") {
  // Our issuing rules refuse unknown options, so ssh-keygen makes this one.
  test::TempDir dir;
  test::makeSshKey(dir, "ca", "ed25519");
  test::makeSshKey(dir, "user", "ed25519");
  auto r = test::run("ssh-keygen -q -s " + dir.file("ca") + " -I odd -n alice -O critical:no-such-option=x " +
                     dir.file("user.pub"));
  REQUIRE(r.status == 0);
  auto caKey = ssh::parsePublicKeyLine(test::readText(dir.file("ca.pub")));
  REQUIRE(caKey.ok());
  TrustAnchors trust{{caKey->key}, std::nullopt};
  SelectionContext ctx{{"alice"}, static_cast<uint64_t>(time(nullptr)), std::nullopt};
  refusedWith(checkAuthCertificate(test::decodeLineBlob(test::readText(dir.file("user-cert.pub"))), trust, ctx),
              "unknown critical option 'no-such-option'");
}

TEST_CASE("PamCertSelectionSkipsPlainKeysAndReportsEachRefusal") {
  Fixture f;
  auto wrong = f.tmpl(2);
  wrong.principals = {"bob"};
  const std::vector<Bytes> blobs = {ssh::encodePublicKeyWire(f.user->publicKey()), f.sign(wrong), f.sign(f.tmpl(3)),
                                    Bytes{0, 0, 0, 3, 'a', 'b'}};
  const Selection s = selectCertificates(blobs, f.trust, f.ctx);
  REQUIRE(s.qualified.size() == 1);
  CHECK(s.qualified[0].serial == 3);
  REQUIRE(s.rejections.size() == 1);
  CHECK_THAT(s.rejections[0], Catch::Contains("serial 2"));
}
