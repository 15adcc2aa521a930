// POST /ssh/revoke (admin JWK token by serial; the holder by SSHPOP) and
// the KRL the authority serves from its database: what the KRL lists, its
// version, and its SSHSIG signature by the user CA key.
#include <catch2/catch.hpp>

#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/sshsig.h"
#include "tests/unit/support/sshpop_fixture.h"

using namespace sshca;
using test::HostCert;
using test::SshpopFixture;

namespace {

api::RevokeSshRequest revokeRequest(uint64_t serial, std::string ott, std::string reason = "key lost") {
  api::RevokeSshRequest r;
  r.serial = std::to_string(serial);
  r.ott = std::move(ott);
  r.reason = std::move(reason);
  return r;
}

ssh::Krl currentKrl(SshpopFixture& f) {
  auto bytes = f.authority->krl();
  REQUIRE(bytes.ok());
  auto krl = ssh::parseKrl(*bytes);
  INFO((krl.ok() ? "" : krl.error().message));
  REQUIRE(krl.ok());
  return std::move(krl).value();
}

bool isRevokedInDb(SshpopFixture& f, const HostCert& c) {
  const SignerPtr& ca = c.cert.type == ssh::CertType::User ? f.userCa : f.hostCa;
  auto row = f.store->findBySerial(ssh::fingerprintSha256(ca->publicKey()), c.cert.serial).value();
  return row && row->revokedAt.has_value();
}

void checkRevokeRefused(SshpopFixture& f, const api::RevokeSshRequest& r, ErrorCode code) {
  uint64_t version = f.store->krlVersion().value();
  auto out = f.authority->revokeSsh(r);
  REQUIRE_FALSE(out.ok());
  INFO(out.error().message);
  CHECK(out.error().code == code);
  CHECK(f.store->krlVersion().value() == version);
}

}  // namespace

TEST_CASE("AdminRevokesByJwkTokenAndTheKrlListsOnlyRevokedCertificates", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  HostCert bob = f.issue(ssh::CertType::User, "bob", {"bob"});
  HostCert web = f.issueHost();
  CHECK(currentKrl(f).version == 0);

  auto out = f.authority->revokeSsh(revokeRequest(alice.cert.serial, f.adminRevokeToken(alice.cert.serial)));
  REQUIRE(out.ok());
  CHECK(out->provisioner == "admin");
  auto host = f.authority->revokeSsh(revokeRequest(web.cert.serial, f.adminRevokeToken(web.cert.serial)));
  REQUIRE(host.ok());

  ssh::Krl krl = currentKrl(f);
  CHECK(krl.version == 2);
  CHECK(ssh::isCertificateRevoked(krl, alice.cert));
  CHECK(ssh::isCertificateRevoked(krl, web.cert));
  CHECK_FALSE(ssh::isCertificateRevoked(krl, bob.cert));
  auto row = f.store->findBySerial(ssh::fingerprintSha256(f.userCa->publicKey()), alice.cert.serial).value();
  REQUIRE(row.has_value());
  CHECK(row->revocationReason.find("key lost") != std::string::npos);
}

TEST_CASE("KrlSignatureVerifiesWithTheUserCaKeyOverTheServedKrl", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  REQUIRE(f.authority->revokeSsh(revokeRequest(alice.cert.serial, f.adminRevokeToken(alice.cert.serial))).ok());
  Bytes krl = f.authority->krl().value();
  std::string sig = f.authority->krlSignature().value();
  auto blob = ssh::dearmorSshsig(sig);
  REQUIRE(blob.ok());
  auto signer = ssh::sshsigVerify(*blob, ssh::kKrlSignatureNamespace, krl);
  REQUIRE(signer.ok());
  CHECK(*signer == f.userCa->publicKey());
  // Not valid for another namespace.
  CHECK_FALSE(ssh::sshsigVerify(*blob, "file", krl).ok());
}

TEST_CASE("KrlIsRebuiltWhenAnotherWriterRevokes", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  CHECK_FALSE(ssh::isCertificateRevoked(currentKrl(f), alice.cert));
  // As another CA instance on the same database (or `sshca revoke`) would.
  REQUIRE(f.store->revoke(ssh::fingerprintSha256(f.userCa->publicKey()), alice.cert.serial, "other", f.now).ok());
  ssh::Krl krl = currentKrl(f);
  CHECK(krl.version == 1);
  CHECK(ssh::isCertificateRevoked(krl, alice.cert));
}

TEST_CASE("KrlDropsRevokedCertificatesOnceExpired", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  REQUIRE(f.authority->revokeSsh(revokeRequest(alice.cert.serial, f.adminRevokeToken(alice.cert.serial))).ok());
  CHECK(ssh::isCertificateRevoked(currentKrl(f), alice.cert));
  f.now = static_cast<int64_t>(alice.cert.validBefore) + 2 * 3600;
  CHECK_FALSE(ssh::isCertificateRevoked(currentKrl(f), alice.cert));
}

TEST_CASE("HolderRevokesItsOwnCertificateBySshpop", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  REQUIRE(f.authority->revokeSsh(revokeRequest(web.cert.serial, f.sshpop(web, "revoke"))).ok());
  REQUIRE(f.authority->revokeSsh(revokeRequest(alice.cert.serial, f.sshpop(alice, "revoke"))).ok());
  CHECK(isRevokedInDb(f, web));
  CHECK(isRevokedInDb(f, alice));
  // A revoked certificate proves nothing any more.
  auto renew = f.authority->renewSsh({f.sshpop(web, "renew"), ""});
  REQUIRE_FALSE(renew.ok());
  CHECK(renew.error().code == ErrorCode::Unauthenticated);
  CHECK(f.rows("web1 (admin)") == 1);
}

TEST_CASE("RevokeRefusals", "[sshpop][krl]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  HostCert db = f.issueHost("db1");
  SECTION("admin token for another serial") {
    checkRevokeRefused(f, revokeRequest(web.cert.serial, f.adminRevokeToken(db.cert.serial)),
                       ErrorCode::PermissionDenied);
  }
  SECTION("SSHPOP token of another certificate") {
    checkRevokeRefused(f, revokeRequest(db.cert.serial, f.sshpop(web, "revoke")), ErrorCode::PermissionDenied);
  }
  SECTION("SSHPOP token for renew") {
    checkRevokeRefused(f, revokeRequest(web.cert.serial, f.sshpop(web, "renew")), ErrorCode::Unauthenticated);
  }
  SECTION("unknown serial") {
    checkRevokeRefused(f, revokeRequest(12345, f.adminRevokeToken(12345)), ErrorCode::NotFound);
  }
  SECTION("already revoked") {
    REQUIRE(f.authority->revokeSsh(revokeRequest(web.cert.serial, f.adminRevokeToken(web.cert.serial))).ok());
    checkRevokeRefused(f, revokeRequest(web.cert.serial, f.adminRevokeToken(web.cert.serial)),
                       ErrorCode::AlreadyExists);
  }
  SECTION("replayed token") {
    std::string token = f.adminRevokeToken(web.cert.serial);
    REQUIRE(f.authority->revokeSsh(revokeRequest(web.cert.serial, token)).ok());
    auto out = f.authority->revokeSsh(revokeRequest(web.cert.serial, token));
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::Replayed);
    CHECK(f.store->krlVersion().value() == 1);
  }
  SECTION("token signed by another key") {
    auto intruder = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
    provisioners::JwkRevokeTokenRequest r{"admin", test::kSshpopCaUrl, web.cert.serial, 300, f.now};
    checkRevokeRefused(
        f, revokeRequest(web.cert.serial, provisioners::mintJwkRevokeToken(r, *intruder, systemRandom()).value()),
        ErrorCode::Unauthenticated);
  }
  SECTION("not passive") {
    auto r = revokeRequest(web.cert.serial, f.adminRevokeToken(web.cert.serial));
    r.passive = false;
    checkRevokeRefused(f, r, ErrorCode::Unsupported);
  }
  SECTION("serial that is not a number") {
    auto r = revokeRequest(web.cert.serial, f.adminRevokeToken(web.cert.serial));
    r.serial = "12ab";
    checkRevokeRefused(f, r, ErrorCode::InvalidArgument);
  }
  CHECK_FALSE(isRevokedInDb(f, db));
}
