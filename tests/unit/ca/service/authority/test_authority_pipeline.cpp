// The authority's flow without a token: software CA keys, a real SQLite
// store in a temp dir, and a fake provisioner that trusts the token's
// claims (authentication itself is the provisioners' tests' business).
// What is checked here is the order and the bookkeeping: refusals happen
// before signing, the certificate and the spent token commit together, a
// replay gets no certificate, a reload swaps provisioners atomically.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/authority/authority.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::authority;
using nlohmann::json;

namespace {

constexpr int64_t kNow = 1800000000;

// Trusts the claims it is given: sub, jti, exp, certType, principals.
// "deny": true in the payload stands for a token that fails to verify.
class TrustingProvisioner final : public provisioners::Provisioner {
 public:
  explicit TrustingProvisioner(std::string name, policy::SshPolicy pol = {}) : name_(std::move(name)), policy_(pol) {}
  const std::string& name() const override { return name_; }
  std::string type() const override { return "JWK"; }
  const policy::SshPolicy& policy() const override { return policy_; }
  std::string publicInfoJson() const override { return R"({"key":{"kty":"EC"}})"; }

  Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token,
                                            const provisioners::TokenContext& ctx) const override {
    lastContext = ctx;
    const json& c = token.payload;
    if (c.value("deny", false)) return makeError(ErrorCode::Unauthenticated, "signature does not verify");
    policy::Identity who;
    who.provisioner = name_;
    who.subject = c.value("sub", "");
    who.tokenId = c.value("jti", "");
    who.tokenUsableUntil = c.value("exp", kNow + 300);
    who.certType = c.value("certType", "user") == "host" ? ssh::CertType::Host : ssh::CertType::User;
    who.principals = c.value("principals", std::vector<std::string>{});
    return who;
  }

  mutable provisioners::TokenContext lastContext;

 private:
  std::string name_;
  policy::SshPolicy policy_;
};

std::string b64url(const std::string& s) { return base64UrlEncode(asBytes(s)); }

std::string token(json claims) {
  return b64url(R"({"alg":"ES256","typ":"JWT"})") + "." + b64url(claims.dump()) + "." + b64url("sig");
}

json aliceClaims(const std::string& jti = "jti-1") {
  return {{"iss", "admin"}, {"sub", "alice"}, {"jti", jti}, {"principals", {"alice", "ops"}}};
}

Bytes keyWire(KeyAlgorithm alg = KeyAlgorithm::Ed25519, int bits = 2048) {
  return ssh::encodePublicKeyWire(test::EvpTestSigner::generate(alg, bits)->publicKey());
}

api::SignSshRequest request(json claims, Bytes key = keyWire()) {
  api::SignSshRequest r;
  r.publicKey = std::move(key);
  r.ott = token(std::move(claims));
  return r;
}

struct Fixture {
  test::TempDir dir;
  std::shared_ptr<TrustingProvisioner> admin = std::make_shared<TrustingProvisioner>("admin");
  SignerPtr userCa = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  SignerPtr hostCa = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  store::SqliteSshStore* store = nullptr;  // owned by the authority
  bool hsmUp = true;
  int64_t now = kNow;
  std::unique_ptr<Authority> authority;

  explicit Fixture(const std::function<void(AuthorityParts&)>& adjust = {}) {
    AuthorityParts parts;
    parts.caUrl = "https://ca.test:8443";
    parts.userCa = userCa;
    parts.hostCa = hostCa;
    parts.root = {"PEM", "SHA256:00", {{"PEM", "00"}}};
    auto opened = store::SqliteSshStore::open(dir.file("ca.db"));
    REQUIRE(opened.ok());
    store = opened->get();
    parts.store = std::move(opened).value();
    parts.provisioners = ProvisionerSet::fromList({admin}).value();
    parts.hsmProbe = [this]() -> Status {
      if (hsmUp) return okStatus();
      return makeError(ErrorCode::Unavailable, "token gone");
    };
    parts.clock = [this] { return now; };
    if (adjust) adjust(parts);
    authority = Authority::fromParts(std::move(parts)).value();
  }

  size_t rows(const std::string& keyId = "alice (admin)") { return store->findByKeyId(keyId).value().size(); }

  ErrorCode refusal(const api::SignSshRequest& r) {
    auto out = authority->signSsh(r);
    REQUIRE_FALSE(out.ok());
    return out.error().code;
  }
};

}  // namespace

TEST_CASE("AuthoritySignsRecordsAndReturnsTheCertificate", "[authority]") {
  Fixture f;
  auto out = f.authority->signSsh(request(aliceClaims()));
  REQUIRE(out.ok());
  auto cert = ssh::parseCertificate(out->certificate).value();
  CHECK(cert.type == ssh::CertType::User);
  CHECK(cert.keyId == "alice (admin)");
  CHECK(cert.principals == std::vector<std::string>{"alice", "ops"});
  CHECK(cert.signatureKey == f.userCa->publicKey());
  CHECK(out->serial == cert.serial);
  CHECK(out->provisioner == "admin");
  CHECK(out->subject == "alice");
  CHECK(f.admin->lastContext.caUrl == "https://ca.test:8443");
  CHECK(f.admin->lastContext.endpoint == "/1.0/ssh/sign");
  CHECK(f.admin->lastContext.now == kNow);

  auto row = f.store->findBySerial(ssh::fingerprintSha256(f.userCa->publicKey()), cert.serial).value();
  REQUIRE(row.has_value());
  CHECK(row->certificate == out->certificate);
  CHECK(row->certType == "user");
  CHECK(row->subject == "alice");
  CHECK(row->provisioner == "admin");
  CHECK(row->keyFingerprint == ssh::fingerprintSha256(cert.key));
  CHECK(row->issuedAt == kNow);
}

TEST_CASE("AuthoritySignsHostCertificatesWithTheHostKey", "[authority]") {
  Fixture f;
  json claims = {{"iss", "admin"}, {"sub", "web1"}, {"jti", "h1"}, {"certType", "host"}, {"principals", {"web1"}}};
  auto out = f.authority->signSsh(request(claims));
  REQUIRE(out.ok());
  auto cert = ssh::parseCertificate(out->certificate).value();
  CHECK(cert.type == ssh::CertType::Host);
  CHECK(cert.signatureKey == f.hostCa->publicKey());
  // 30 days from now, backdated 5 minutes.
  CHECK(cert.validBefore - cert.validAfter == 30 * 86400 + 300);
}

TEST_CASE("AuthorityRefusesAReplayedTokenAndRecordsNothingMore", "[authority]") {
  Fixture f;
  REQUIRE(f.authority->signSsh(request(aliceClaims("once"))).ok());
  CHECK(f.refusal(request(aliceClaims("once"))) == ErrorCode::Replayed);
  CHECK(f.rows() == 1);
}

TEST_CASE("AuthorityRefusalsRecordNothing", "[authority]") {
  Fixture f;
  SECTION("bad key") {
    auto r = request(aliceClaims());
    r.publicKey = Bytes{1, 2, 3};
    CHECK(f.refusal(r) == ErrorCode::InvalidFormat);
  }
  SECTION("short RSA key") {
    CHECK(f.refusal(request(aliceClaims(), keyWire(KeyAlgorithm::Rsa, 1024))) == ErrorCode::Unsupported);
  }
  SECTION("not a JWS") {
    auto r = request(aliceClaims());
    r.ott = "garbage";
    CHECK(f.refusal(r) == ErrorCode::Unauthenticated);
  }
  SECTION("unknown issuer") {
    auto claims = aliceClaims();
    claims["iss"] = "nobody";
    CHECK(f.refusal(request(claims)) == ErrorCode::Unauthenticated);
  }
  SECTION("no issuer") {
    auto claims = aliceClaims();
    claims.erase("iss");
    CHECK(f.refusal(request(claims)) == ErrorCode::Unauthenticated);
  }
  SECTION("provisioner refuses") {
    auto claims = aliceClaims();
    claims["deny"] = true;
    CHECK(f.refusal(request(claims)) == ErrorCode::Unauthenticated);
  }
  SECTION("principal not in the token") {
    auto r = request(aliceClaims());
    r.principals = {"root"};
    CHECK(f.refusal(r) == ErrorCode::PermissionDenied);
  }
  SECTION("host certificate from a user token") {
    auto r = request(aliceClaims());
    r.certType = ssh::CertType::Host;
    CHECK(f.refusal(r) == ErrorCode::PermissionDenied);
  }
  SECTION("validity over the maximum") {
    auto r = request(aliceClaims());
    r.validBefore = "48h";
    CHECK(f.refusal(r) == ErrorCode::PermissionDenied);
  }
  SECTION("garbage validity") {
    auto r = request(aliceClaims());
    r.validAfter = "soon";
    CHECK(f.refusal(r) == ErrorCode::InvalidArgument);
  }
  CHECK(f.rows() == 0);
  // The refused token is still unspent: a good request with it succeeds.
  CHECK(f.authority->signSsh(request(aliceClaims())).ok());
}

TEST_CASE("AuthorityHonoursRequestedValidity", "[authority]") {
  Fixture f;
  auto r = request(aliceClaims());
  r.validAfter = "-1m";
  r.validBefore = "2027-01-15T09:00:00Z";
  auto cert = ssh::parseCertificate(f.authority->signSsh(r).value().certificate).value();
  CHECK(cert.validAfter == kNow - 60);
  CHECK(cert.validBefore == kNow + 3600);
}

TEST_CASE("AuthorityReloadSwapsProvisioners", "[authority]") {
  Fixture f;
  auto other = std::make_shared<TrustingProvisioner>("other");
  f.authority->replaceProvisioners(ProvisionerSet::fromList({other}).value());
  CHECK(f.refusal(request(aliceClaims())) == ErrorCode::Unauthenticated);
  auto claims = aliceClaims();
  claims["iss"] = "other";
  auto out = f.authority->signSsh(request(claims));
  REQUIRE(out.ok());
  CHECK(out->provisioner == "other");
  auto list = f.authority->provisioners().value();
  REQUIRE(list.size() == 1);
  CHECK(list[0].name == "other");
  CHECK(list[0].type == "JWK");
}

TEST_CASE("ProvisionerSetRefusesDuplicateNames", "[authority]") {
  auto a = std::make_shared<TrustingProvisioner>("same");
  auto b = std::make_shared<TrustingProvisioner>("same");
  auto set = ProvisionerSet::fromList({a, b});
  REQUIRE_FALSE(set.ok());
  CHECK(set.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("AuthorityHealthReportsTheTokenAndTheDatabase", "[authority]") {
  Fixture f;
  auto h = f.authority->health();
  CHECK(h.hsmOk);
  CHECK(h.dbOk);
  f.hsmUp = false;
  CHECK_FALSE(f.authority->health().hsmOk);
}

TEST_CASE("AuthorityServesBothSshCaKeys", "[authority]") {
  Fixture f;
  auto roots = f.authority->sshRoots().value();
  REQUIRE(roots.userKeys.size() == 1);
  REQUIRE(roots.hostKeys.size() == 1);
  CHECK(roots.userKeys[0] == ssh::encodePublicKeyWire(f.userCa->publicKey()));
  CHECK(roots.hostKeys[0] == ssh::encodePublicKeyWire(f.hostCa->publicKey()));
  auto x509 = f.authority->rootCertificates().value();
  REQUIRE(x509.size() == 1);
  CHECK(x509[0].pem == "PEM");
  CHECK(x509[0].sha256Hex == "00");
}

// The host flows themselves: test_authority_renew.cpp, test_sshpop_*.cpp.
TEST_CASE("AuthorityHostFlowsRefuseEmptyRequests", "[authority]") {
  Fixture f;
  CHECK(f.authority->renewSsh({}).error().code == ErrorCode::Unauthenticated);
  CHECK(f.authority->rekeySsh({}).error().code == ErrorCode::InvalidFormat);
  CHECK(f.authority->revokeSsh({}).error().code == ErrorCode::InvalidArgument);
  CHECK(f.authority->krl().ok());
}

TEST_CASE("PruningSpentTokensKeepsLiveOnesSpent", "[authority]") {
  Fixture f;
  REQUIRE(f.authority->signSsh(request(aliceClaims("kept"))).ok());
  REQUIRE(f.authority->pruneSpentTokens().ok());
  CHECK(f.refusal(request(aliceClaims("kept"))) == ErrorCode::Replayed);
}

// A token is spent until its usable-until time (exp + leeway, set by the
// provisioner) plus a margin for other instances' clocks; only then is it
// forgotten. The trusting provisioner takes any time, so a forgotten token
// shows as one signed again.
TEST_CASE("PruningWaitsForTheTokensLastUsableMomentAndAMargin", "[authority]") {
  Fixture f;
  json claims = aliceClaims("late");
  claims["exp"] = kNow + 300;  // usable until then (the fake adds no leeway)
  REQUIRE(f.authority->signSsh(request(claims)).ok());
  for (int64_t later : {int64_t{301}, int64_t{590}}) {
    f.now = kNow + later;  // past exp, within the margin
    REQUIRE(f.authority->pruneSpentTokens().ok());
    CHECK(f.refusal(request(claims)) == ErrorCode::Replayed);
  }
  f.now = kNow + 300 + 301;
  REQUIRE(f.authority->pruneSpentTokens().ok());
  CHECK(f.authority->signSsh(request(claims)).ok());
}

// Offboarding: a denial by any of the caller's names refuses the request
// before anything is signed, recorded or spent; the same token works once
// the denial is lifted.
TEST_CASE("AuthorityRefusesADeniedIdentityAndSpendsNothing", "[authority][deny]") {
  Fixture f;
  Bytes key = keyWire();
  auto keyFingerprint = ssh::fingerprintSha256(ssh::parsePublicKeyWire(key).value());
  const std::vector<store::DenyKey> names = {{store::kDenySubject, "alice"},
                                             {store::kDenyKeyId, "alice (admin)"},
                                             {store::kDenyKeyFingerprint, keyFingerprint}};
  for (const auto& name : names) {
    INFO(name.kind);
    REQUIRE(f.store->addDenied({name, "left the company", kNow}).ok());
    const size_t before = f.rows();
    auto out = f.authority->signSsh(request(aliceClaims("deny-" + name.kind), key));
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::PermissionDenied);
    CHECK_THAT(out.error().message, Catch::Contains("left the company"));
    CHECK(f.rows() == before);
    REQUIRE(f.store->removeDenied(name).ok());
    CHECK(f.authority->signSsh(request(aliceClaims("deny-" + name.kind), key)).ok());
  }
  CHECK(f.rows() == names.size());
  // Someone else is not affected by alice's denial.
  REQUIRE(f.store->addDenied({{store::kDenySubject, "alice"}, "left", kNow}).ok());
  json bob = {{"iss", "admin"}, {"sub", "bob"}, {"jti", "bob-1"}, {"principals", {"bob"}}};
  CHECK(f.authority->signSsh(request(bob)).ok());
}

TEST_CASE("AuthorityRefusesADeniedEmailInAnyCase", "[authority][deny]") {
  Fixture f;
  REQUIRE(f.store->addDenied({{store::kDenyEmail, "alice@example.com"}, "offboarded", kNow}).ok());
  json claims = aliceClaims("email-1");
  claims["sub"] = "Alice@Example.COM";  // an OIDC subject is the email when the IdP gave one
  auto out = f.authority->signSsh(request(claims));
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(out.error().message, Catch::Contains("offboarded"));
  CHECK(f.rows("Alice@Example.COM (admin)") == 0);
  REQUIRE(f.store->removeDenied({store::kDenyEmail, "alice@example.com"}).ok());
  CHECK(f.authority->signSsh(request(claims)).ok());  // the refused token was not spent
}

// A request over its provisioner's share is refused before anything is
// signed: no row, and its token is not spent (it works once the bucket
// refills, which here takes 1,000 s).
TEST_CASE("AuthorityRateLimitRefusesBeforeSpendingTheToken", "[authority][rate-limit]") {
  Fixture f([](AuthorityParts& parts) { parts.perProvisioner = {0.001, 1}; });
  REQUIRE(f.authority->signSsh(request(aliceClaims("first"))).ok());
  const size_t before = f.rows();
  auto out = f.authority->signSsh(request(aliceClaims("second")));
  REQUIRE_FALSE(out.ok());
  CHECK(out.error().code == ErrorCode::RateLimited);
  CHECK(f.rows() == before);
  CHECK_FALSE(f.store->tokenUsed("second", "admin").value());
  CHECK(f.store->tokenUsed("first", "admin").value());
}

TEST_CASE("AuthorityLimitsHostChecksByAddress", "[authority][rate-limit]") {
  Fixture f([](AuthorityParts& parts) { parts.perAddress = {0.001, 2}; });
  CHECK(f.authority->sshHostExists("web1", "192.0.2.1").ok());
  CHECK(f.authority->sshHostExists("web2", "192.0.2.1").ok());
  auto third = f.authority->sshHostExists("web3", "192.0.2.1");
  REQUIRE_FALSE(third.ok());
  CHECK(third.error().code == ErrorCode::RateLimited);
  CHECK(f.authority->sshHostExists("web3", "192.0.2.2").ok());  // another source is served
}
