// POST /ssh/renew and /ssh/rekey through the authority with the real
// SSHPOP provisioner, software CA keys and a real SQLite store. Every
// refusal asserts its code and that no certificate row was added.
#include <catch2/catch.hpp>

#include "ca/core/wire/writer.h"
#include "tests/unit/support/sshpop_fixture.h"

using namespace sshca;
using test::HostCert;
using test::SshpopFixture;

namespace {

const std::string kWebKeyId = "web1 (admin)";

api::RenewSshRequest renewRequest(std::string ott) { return {std::move(ott), "127.0.0.1"}; }

api::RekeySshRequest rekeyRequest(std::string ott, const PublicKey& key) {
  return {std::move(ott), ssh::encodePublicKeyWire(key), "127.0.0.1"};
}

// Refused with `code`, and the database holds exactly what it held before.
void checkRenewRefused(SshpopFixture& f, const std::string& ott, ErrorCode code, const std::string& keyId = kWebKeyId) {
  size_t before = f.rows(keyId);
  auto out = f.authority->renewSsh(renewRequest(ott));
  REQUIRE_FALSE(out.ok());
  INFO(out.error().message);
  CHECK(out.error().code == code);
  CHECK(f.rows(keyId) == before);
}

void checkRekeyRefused(SshpopFixture& f, const std::string& ott, const Bytes& keyWire, ErrorCode code) {
  size_t before = f.rows(kWebKeyId);
  auto out = f.authority->rekeySsh({ott, keyWire, "127.0.0.1"});
  REQUIRE_FALSE(out.ok());
  INFO(out.error().message);
  CHECK(out.error().code == code);
  CHECK(f.rows(kWebKeyId) == before);
}

// An ssh-dss public key blob (RFC 4253 §6.6): small made-up numbers, enough
// for the parser to see the type.
Bytes dsaKeyWire() {
  wire::Writer w;
  w.cstring("ssh-dss");
  for (uint8_t v : {23, 11, 4, 9}) w.mpint(Bytes{v});
  return std::move(w).take();
}

}  // namespace

TEST_CASE("SshpopRenewKeepsKeyPrincipalsAndLengthWithANewSerial", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  f.now += 10 * 86400;
  auto out = f.authority->renewSsh(renewRequest(f.sshpop(web, "renew")));
  REQUIRE(out.ok());
  auto cert = ssh::parseCertificate(out->certificate).value();
  CHECK(cert.type == ssh::CertType::Host);
  CHECK(cert.key == web.cert.key);
  CHECK(cert.principals == web.cert.principals);
  CHECK(cert.keyId == web.cert.keyId);
  CHECK(cert.serial != web.cert.serial);
  CHECK(cert.signatureKey == f.hostCa->publicKey());
  CHECK(cert.validBefore - cert.validAfter == web.cert.validBefore - web.cert.validAfter);
  CHECK(cert.validAfter == static_cast<uint64_t>(f.now) - 300);
  CHECK(out->provisioner == "sshpop");
  CHECK(out->subject == "web1");  // the subject that first enrolled
  auto row = f.store->findBySerial(ssh::fingerprintSha256(f.hostCa->publicKey()), cert.serial).value();
  REQUIRE(row.has_value());
  CHECK(row->certificate == out->certificate);
  CHECK(row->provisioner == "sshpop");
  CHECK(f.rows(kWebKeyId) == 2);
}

TEST_CASE("SshpopRenewedCertificateRenewsAgain", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto first = f.authority->renewSsh(renewRequest(f.sshpop(web, "renew")));
  REQUIRE(first.ok());
  HostCert renewed{web.key, ssh::parseCertificate(first->certificate).value()};
  REQUIRE(f.authority->renewSsh(renewRequest(f.sshpop(renewed, "renew"))).ok());
  CHECK(f.rows(kWebKeyId) == 3);
}

TEST_CASE("SshpopRekeyCertifiesTheNewKeyWithTheSamePrincipals", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto newKey = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  auto out = f.authority->rekeySsh(rekeyRequest(f.sshpop(web, "rekey"), newKey->publicKey()));
  REQUIRE(out.ok());
  auto cert = ssh::parseCertificate(out->certificate).value();
  CHECK(cert.key == newKey->publicKey());
  CHECK(cert.principals == web.cert.principals);
  CHECK(cert.type == ssh::CertType::Host);
  CHECK(f.rows(kWebKeyId) == 2);
}

TEST_CASE("SshpopRenewRefusesAUserCertificate", "[sshpop]") {
  SshpopFixture f;
  HostCert alice = f.issue(ssh::CertType::User, "alice", {"alice"});
  checkRenewRefused(f, f.sshpop(alice, "renew"), ErrorCode::PermissionDenied, "alice (admin)");
  checkRekeyRefused(f, f.sshpop(alice, "rekey"),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::PermissionDenied);
  CHECK(f.rows("alice (admin)") == 1);
}

TEST_CASE("SshpopRefusesACertificateFromAnotherCa", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto otherCa = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  ssh::CertTemplate t{.key = web.key->publicKey()};
  t.type = ssh::CertType::Host;
  t.keyId = kWebKeyId;
  t.principals = web.cert.principals;
  t.validAfter = static_cast<uint64_t>(f.now) - 60;
  t.validBefore = static_cast<uint64_t>(f.now) + 86400;
  t.serial = web.cert.serial;  // even the serial of a real one
  HostCert foreign{web.key, ssh::signCertificate(t, *otherCa, systemRandom()).value()};
  checkRenewRefused(f, f.sshpop(foreign, "renew"), ErrorCode::Unauthenticated);
}

TEST_CASE("SshpopRefusesACertificateSignedByOurKeyButNotOnRecord", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  ssh::CertTemplate t{.key = web.key->publicKey()};
  t.type = ssh::CertType::Host;
  t.keyId = kWebKeyId;
  t.principals = {"web1"};
  t.validAfter = static_cast<uint64_t>(f.now) - 60;
  t.validBefore = static_cast<uint64_t>(f.now) + 86400;
  HostCert unrecorded{web.key, ssh::signCertificate(t, *f.hostCa, systemRandom()).value()};
  checkRenewRefused(f, f.sshpop(unrecorded, "renew"), ErrorCode::Unauthenticated);
}

TEST_CASE("SshpopRefusesARevokedCertificate", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  REQUIRE(f.store->revoke(ssh::fingerprintSha256(f.hostCa->publicKey()), web.cert.serial, "test", f.now).ok());
  checkRenewRefused(f, f.sshpop(web, "renew"), ErrorCode::Unauthenticated);
  checkRekeyRefused(f, f.sshpop(web, "rekey"),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::Unauthenticated);
}

// The revocation commits after the proof was checked, while the CA signs
// the replacement: the revocation wins, nothing is recorded, and the
// SSHPOP token is not spent.
TEST_CASE("SshpopRenewalLosesToARevocationDuringSigning", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  const std::string ca = ssh::fingerprintSha256(f.hostCa->publicKey());
  // Revokes `victim` inside the next host CA signature (once).
  auto revokeWhileSigning = [&](const HostCert& victim) {
    auto done = std::make_shared<bool>(false);
    f.whileHostCaSigns = [&f, ca, serial = victim.cert.serial, done] {
      if (*done) return;
      *done = true;
      REQUIRE(f.store->revoke(ca, serial, "key stolen", f.now).ok());
    };
  };
  revokeWhileSigning(web);
  const std::string ott = f.sshpop(web, "renew");
  size_t before = f.rows(kWebKeyId);
  auto out = f.authority->renewSsh(renewRequest(ott));
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().code == ErrorCode::Unauthenticated);
  CHECK_THAT(out.error().message, Catch::Contains("was revoked while its replacement was being signed"));
  CHECK(f.rows(kWebKeyId) == before);

  f.whileHostCaSigns = nullptr;
  HostCert again = f.issueHost();
  revokeWhileSigning(again);
  checkRekeyRefused(f, f.sshpop(again, "rekey"),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::Unauthenticated);
}

TEST_CASE("SshpopRefusesAnExpiredCertificateUnlessTheProvisionerAllowsIt", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  f.now = static_cast<int64_t>(web.cert.validBefore) + 3600;
  checkRenewRefused(f, f.sshpop(web, "renew"), ErrorCode::Unauthenticated);
  checkRekeyRefused(f, f.sshpop(web, "rekey", "sshpop-late"),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::Unauthenticated);  // allowRenewalAfterExpiry is for renew only
  auto late = f.authority->renewSsh(renewRequest(f.sshpop(web, "renew", "sshpop-late")));
  REQUIRE(late.ok());
  auto cert = ssh::parseCertificate(late->certificate).value();
  CHECK(cert.validBefore > static_cast<uint64_t>(f.now));
  CHECK(f.rows(kWebKeyId) == 2);
}

TEST_CASE("SshpopRefusesAJwsSignedByAnotherKey", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto intruder = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  checkRenewRefused(f, SshpopFixture::forged(web.cert.wire, *intruder, f.claimsFor(web.cert, "renew")),
                    ErrorCode::Unauthenticated);
  // The right key signs the same claims: accepted (the forgery above differed only in its key).
  auto genuine = SshpopFixture::forged(web.cert.wire, *web.key, f.claimsFor(web.cert, "renew"));
  CHECK(f.authority->renewSsh(renewRequest(genuine)).ok());
}

TEST_CASE("SshpopRefusesAReplayedToken", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  std::string token = f.sshpop(web, "renew");
  REQUIRE(f.authority->renewSsh(renewRequest(token)).ok());
  // Refused before signing: the certificate it proves was replaced by the
  // first use (the store's commit would refuse it as Replayed).
  checkRenewRefused(f, token, ErrorCode::Unauthenticated);
  CHECK(f.rows(kWebKeyId) == 2);
}

TEST_CASE("SshpopRefusesRenewalFromAReplacedCertificateAndAnyLinkOfARevokedChain", "[sshpop]") {
  SshpopFixture f;
  HostCert a = f.issueHost();
  auto renewed = f.authority->renewSsh(renewRequest(f.sshpop(a, "renew")));
  REQUIRE(renewed.ok());
  HostCert b{a.key, ssh::parseCertificate(renewed->certificate).value()};
  // A, replaced by B, cannot fork the chain.
  checkRenewRefused(f, f.sshpop(a, "renew"), ErrorCode::Unauthenticated);
  checkRekeyRefused(f, f.sshpop(a, "rekey"),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::Unauthenticated);
  // Revoking B revokes A with it, and the KRL's source lists both.
  const std::string ca = ssh::fingerprintSha256(f.hostCa->publicKey());
  auto revoked = f.store->revoke(ca, b.cert.serial, "host compromised", f.now);
  REQUIRE(revoked.ok());
  CHECK(*revoked == std::vector<uint64_t>{b.cert.serial, a.cert.serial});
  CHECK(f.store->revokedNotExpired(ca, f.now)->size() == 2);
  checkRenewRefused(f, f.sshpop(a, "renew"), ErrorCode::Unauthenticated);
  checkRenewRefused(f, f.sshpop(b, "renew"), ErrorCode::Unauthenticated);
  CHECK(f.rows(kWebKeyId) == 2);
}

TEST_CASE("SshpopRenewsAnExpiredCertificateOnlyWithinTheGrace", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  const uint64_t length = web.cert.validBefore - web.cert.validAfter;
  // "sshpop-late" allows the certificate's own validity length, the cap.
  f.now = static_cast<int64_t>(web.cert.validBefore + length) + 1;
  checkRenewRefused(f, f.sshpop(web, "renew", "sshpop-late"), ErrorCode::Unauthenticated);
  f.now = static_cast<int64_t>(web.cert.validBefore + length) - 60;
  CHECK(f.authority->renewSsh(renewRequest(f.sshpop(web, "renew", "sshpop-late"))).ok());
}

TEST_CASE("SshpopRefusesAWrongAudienceOrEndpoint", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  SECTION("a rekey token at renew") { checkRenewRefused(f, f.sshpop(web, "rekey"), ErrorCode::Unauthenticated); }
  SECTION("a revoke token at renew") { checkRenewRefused(f, f.sshpop(web, "revoke"), ErrorCode::Unauthenticated); }
  SECTION("another CA's URL") {
    auto claims = f.claimsFor(web.cert, "renew");
    claims["aud"] = jose::sshpopAudience("https://other.test", "renew", "sshpop");
    checkRenewRefused(f, SshpopFixture::forged(web.cert.wire, *web.key, claims), ErrorCode::Unauthenticated);
  }
  SECTION("another provisioner in the fragment") {
    auto claims = f.claimsFor(web.cert, "renew");
    claims["aud"] = jose::sshpopAudience(test::kSshpopCaUrl, "renew", "sshpop-late");
    checkRenewRefused(f, SshpopFixture::forged(web.cert.wire, *web.key, claims), ErrorCode::Unauthenticated);
  }
  SECTION("expired token") {
    std::string token = f.sshpop(web, "renew");
    f.now += 600;
    checkRenewRefused(f, token, ErrorCode::Unauthenticated);
  }
}

TEST_CASE("SshpopRefusesASubjectThatIsNotTheSerial", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto claims = f.claimsFor(web.cert, "renew");
  claims["sub"] = std::to_string(web.cert.serial + 1);
  checkRenewRefused(f, SshpopFixture::forged(web.cert.wire, *web.key, claims), ErrorCode::Unauthenticated);
}

TEST_CASE("SshpopRenewalCannotAskForOtherPrincipals", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto claims = f.claimsFor(web.cert, "renew");
  claims["step"] = {{"ssh", {{"certType", "host"}, {"keyID", "web1"}, {"principals", {"db1"}}}}};
  checkRenewRefused(f, SshpopFixture::forged(web.cert.wire, *web.key, claims), ErrorCode::PermissionDenied);
  auto rekeyClaims = f.claimsFor(web.cert, "rekey");
  rekeyClaims["step"] = claims["step"];
  checkRekeyRefused(f, SshpopFixture::forged(web.cert.wire, *web.key, rekeyClaims),
                    ssh::encodePublicKeyWire(test::EvpTestSigner::generate(KeyAlgorithm::Ed25519)->publicKey()),
                    ErrorCode::PermissionDenied);
}

TEST_CASE("SshpopRekeyRefusesDsaAndShortRsaKeys", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  checkRekeyRefused(f, f.sshpop(web, "rekey"), dsaKeyWire(), ErrorCode::Unsupported);
  auto shortRsa = test::EvpTestSigner::generate(KeyAlgorithm::Rsa, 1024);
  checkRekeyRefused(f, f.sshpop(web, "rekey"), ssh::encodePublicKeyWire(shortRsa->publicKey()), ErrorCode::Unsupported);
}

TEST_CASE("SshpopRenewRefusesJwkTokensAndSshpopSignRefusesAll", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  // A JWK provisioner cannot renew: its tokens name no certificate.
  provisioners::JwkTokenRequest t{
      "admin", test::kSshpopCaUrl, "web1", ssh::CertType::Host, {"web1"}, 300, {}, {}, f.now, {}};
  checkRenewRefused(f, provisioners::mintJwkToken(t, *f.adminKey, systemRandom()).value(), ErrorCode::Unauthenticated);
  // An SSHPOP token cannot get a new certificate from /ssh/sign.
  api::SignSshRequest sign;
  sign.publicKey = ssh::encodePublicKeyWire(web.key->publicKey());
  sign.ott = f.sshpop(web, "renew");
  auto out = f.authority->signSsh(sign);
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().code == ErrorCode::Unauthenticated);
  CHECK(f.rows(kWebKeyId) == 1);
}

TEST_CASE("SshpopTokenMintingChecksItsInputs", "[sshpop]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  jose::SshpopTokenRequest r{"sshpop", test::kSshpopCaUrl, "renew", web.cert.wire, web.cert.serial, f.now};
  auto other = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  CHECK(jose::mintSshpopToken(r, *other, systemRandom()).error().code == ErrorCode::InvalidArgument);
  r.endpoint = "sign";
  CHECK(jose::mintSshpopToken(r, *web.key, systemRandom()).error().code == ErrorCode::InvalidArgument);
  r.endpoint = "renew";
  r.serial += 1;
  CHECK(jose::mintSshpopToken(r, *web.key, systemRandom()).error().code == ErrorCode::InvalidArgument);
  r.serial -= 1;
  auto token = jose::mintSshpopToken(r, *web.key, systemRandom());
  REQUIRE(token.ok());
  auto parts = jose::parseCompact(*token).value();
  CHECK(parts.header["sshpop"] == base64Encode(web.cert.wire));
  CHECK(parts.header["kid"] == jose::thumbprintSha256(web.key->publicKey()).value());
  CHECK(parts.header["alg"] == "ES256");
  CHECK(parts.payload["aud"] == "https://ca.test:8443/1.0/ssh/renew#sshpop/sshpop");
  CHECK(parts.payload["sub"] == std::to_string(web.cert.serial));
  CHECK(parts.payload["exp"] == f.now + 300);
  CHECK(parts.payload["jti"].get<std::string>().size() == 64);
}

// A denied host cannot keep itself alive by renewing or rekeying: refused
// before signing, nothing recorded, the SSHPOP token still unspent.
TEST_CASE("SshpopRenewAndRekeyOfADeniedIdentityAreRefused", "[sshpop][deny]") {
  SshpopFixture f;
  HostCert web = f.issueHost();
  auto newKey = test::EvpTestSigner::generate(KeyAlgorithm::Ed25519);
  for (const store::DenyKey& name :
       {store::DenyKey{store::kDenySubject, "web1"}, store::DenyKey{store::kDenyKeyId, kWebKeyId}}) {
    INFO(name.kind);
    REQUIRE(f.store->addDenied({name, "decommissioned", f.now}).ok());
    std::string renewOtt = f.sshpop(web, "renew");
    checkRenewRefused(f, renewOtt, ErrorCode::PermissionDenied);
    std::string rekeyOtt = f.sshpop(web, "rekey");
    checkRekeyRefused(f, rekeyOtt, ssh::encodePublicKeyWire(newKey->publicKey()), ErrorCode::PermissionDenied);
    REQUIRE(f.store->removeDenied(name).ok());
    auto renewed = f.authority->renewSsh(renewRequest(renewOtt));  // the refused token was not spent
    REQUIRE(renewed.ok());
    web = HostCert{web.key, ssh::parseCertificate(renewed->certificate).value()};  // only the newest renews
  }
  CHECK(f.rows(kWebKeyId) == 3);
}
