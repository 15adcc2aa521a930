// The contract of the SSH issuance store (store/ssh_issuance_store.h) that
// every backend the store factory opens must keep: records round trip,
// serial uniqueness per CA, revocation and the KRL's view, KRL versions,
// one-time tokens, recordIssued atomicity, persistence, schema versions.
// Each case runs on SQLite and on PostgreSQL (support/store_contract_case.h);
// backend-only behaviour is in test_store_ssh.cpp (SQLite) and
// test_store_postgres.cpp.
#include <atomic>
#include <cstdint>
#include <future>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/store/certificate_store.h"
#include "ca/service/store/store_factory.h"
#include "tests/unit/support/ssh_store_records.h"
#include "tests/unit/support/store_contract_case.h"
#include "tests/unit/support/x509_store_records.h"

using namespace sshca;
using store::SshCertificateRecord;
using test::kHostCa;
using test::kSampleKeyId;
using test::kUserCa;
using test::sshRecord;
using test::tlsRecord;
using test::tokenUse;

namespace {

void checkSameRecord(const SshCertificateRecord& out, const SshCertificateRecord& in) {
  CHECK(out.serial == in.serial);
  CHECK(out.caFingerprint == in.caFingerprint);
  CHECK(out.certType == in.certType);
  CHECK(out.keyId == in.keyId);
  CHECK(out.principals == in.principals);
  CHECK(out.validAfter == in.validAfter);
  CHECK(out.validBefore == in.validBefore);
  CHECK(out.keyFingerprint == in.keyFingerprint);
  CHECK(out.provisioner == in.provisioner);
  CHECK(out.subject == in.subject);
  CHECK(out.certificate == in.certificate);
  CHECK(out.issuedAt == in.issuedAt);
  CHECK(out.revokedAt == in.revokedAt);
  CHECK(out.revocationReason == in.revocationReason);
}

}  // namespace

// Serials with the high bit set are stored as negative integers.
STORE_CONTRACT_CASE("SshStoreRoundTripsRecordsOverTheWholeSerialRange") {
  auto db = backend.open();
  for (uint64_t serial : {uint64_t{0}, uint64_t{1}, uint64_t{0x7fffffffffffffffULL}, uint64_t{0x8000000000000000ULL},
                          uint64_t{0xfedcba9876543210ULL}, std::numeric_limits<uint64_t>::max()}) {
    SshCertificateRecord in = sshRecord(serial);
    REQUIRE(db->insert(in).ok());
    auto found = db->findBySerial(kUserCa, serial);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    checkSameRecord(**found, in);
  }
  auto missing = db->findBySerial(kUserCa, 2);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  CHECK_FALSE(db->findBySerial(kHostCa, 1)->has_value());
}

STORE_CONTRACT_CASE("SshStoreKeepsForeverValidityAndNoPrincipals") {
  auto db = backend.open();
  SshCertificateRecord in = sshRecord(7, kHostCa, std::numeric_limits<uint64_t>::max());
  in.certType = "host";
  in.principals.clear();
  REQUIRE(db->insert(in).ok());
  auto out = db->findBySerial(kHostCa, 7);
  REQUIRE(out.ok());
  REQUIRE(out->has_value());
  CHECK((*out)->validBefore == std::numeric_limits<uint64_t>::max());
  CHECK((*out)->principals.empty());
  // A forever certificate never drops off the KRL.
  REQUIRE(db->revoke(kHostCa, 7, "decommissioned", 1800000000).ok());
  CHECK(db->revokedNotExpired(kHostCa, std::numeric_limits<int64_t>::max() - 1)->size() == 1);
}

STORE_CONTRACT_CASE("SshStoreRefusesADuplicateSerialPerCaOnly") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(42)).ok());
  auto again = db->insert(sshRecord(42));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(db->insert(sshRecord(42, kHostCa)).ok());  // the same serial under another CA
  CHECK(db->findBySerial(kUserCa, 42)->has_value());
  CHECK(db->findBySerial(kHostCa, 42)->has_value());
  CHECK(backend.count("ssh_certificates") == 2);
  // The refused row left no principals behind.
  CHECK(backend.count("ssh_certificate_principals") == static_cast<int64_t>(2 * sshRecord(42).principals.size()));
}

STORE_CONTRACT_CASE("SshStoreFindsByKeyIdOldestFirst") {
  auto db = backend.open();
  SshCertificateRecord other = sshRecord(3);
  other.keyId = "bob";
  REQUIRE(db->insert(sshRecord(2)).ok());
  REQUIRE(db->insert(other).ok());
  REQUIRE(db->insert(sshRecord(1, kHostCa)).ok());
  auto found = db->findByKeyId(kSampleKeyId);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  CHECK((*found)[0].serial == 2);
  CHECK((*found)[1].serial == 1);
  CHECK((*found)[1].principals == sshRecord(1).principals);
  CHECK(db->findByKeyId("nobody")->empty());
}

STORE_CONTRACT_CASE("SshStoreRevokesOnceAndListsRevokedUnexpired") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  REQUIRE(db->insert(sshRecord(2, kUserCa, 1800000000)).ok());
  REQUIRE(db->insert(sshRecord(3)).ok());
  REQUIRE(db->insert(sshRecord(4, kHostCa)).ok());
  REQUIRE(db->revoke(kUserCa, 1, "key compromise", 1750000000).ok());
  REQUIRE(db->revoke(kUserCa, 2, "superseded", 1750000000).ok());
  REQUIRE(db->revoke(kHostCa, 4, "host gone", 1750000000).ok());
  CHECK(db->revoke(kUserCa, 1, "again", 1760000000).error().code == ErrorCode::AlreadyExists);
  CHECK(db->revoke(kUserCa, 99, "unknown", 1760000000).error().code == ErrorCode::NotFound);
  CHECK(db->revoke(kHostCa, 1, "wrong CA", 1760000000).error().code == ErrorCode::NotFound);

  auto revoked = db->revokedNotExpired(kUserCa, 1900000000);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 1);  // 2 expired before "now", 3 not revoked, 4 another CA
  CHECK((*revoked)[0].serial == 1);
  CHECK((*revoked)[0].revokedAt == 1750000000);
  CHECK((*revoked)[0].revocationReason == "key compromise");  // the first revocation stands
  CHECK(db->revokedNotExpired(kUserCa, 1700000000)->size() == 2);
  CHECK(db->revokedNotExpired("SHA256:unknownCA", 1700000000)->empty());
}

STORE_CONTRACT_CASE("RevokingAHostCertificateRevokesTheTlsCertificatesItProved") {
  // POST /x509/sign records the host certificate's serial with each TLS
  // certificate; the host certificate's revocation takes them along (reason
  // cessationOfOperation), and a user certificate's serial never does.
  auto db = backend.open();
  auto tls = store::openCertificateStore(backend.config(), 2);
  if (!tls.ok()) FAIL(tls.error().message);
  SshCertificateRecord host = sshRecord(7, kHostCa);
  host.certType = "host";
  REQUIRE(db->insert(host).ok());
  REQUIRE(db->insert(sshRecord(8)).ok());  // a user certificate
  REQUIRE((*tls)->addCertificate(tlsRecord("0A", 7)).ok());
  REQUIRE((*tls)->addCertificate(tlsRecord("0B", 7)).ok());
  REQUIRE((*tls)->addCertificate(tlsRecord("0C", 8)).ok());
  REQUIRE((*tls)->revoke("0B", 1740000000, x509::RevocationReason::KeyCompromise).ok());
  REQUIRE(db->revoke(kUserCa, 8, "user gone", 1750000000).ok());
  CHECK_FALSE((*tls)->findBySerial("0C")->revokedAt);
  REQUIRE(db->revoke(kHostCa, 7, "host retired", 1750000000).ok());
  auto a = (*tls)->findBySerial("0A");
  REQUIRE(a.ok());
  CHECK(a->revokedAt == 1750000000);
  CHECK(a->reason == x509::RevocationReason::CessationOfOperation);
  auto b = (*tls)->findBySerial("0B");  // revoked before: its first revocation stands
  CHECK(b->revokedAt == 1740000000);
  CHECK(b->reason == x509::RevocationReason::KeyCompromise);
  CHECK_FALSE((*tls)->findBySerial("0C")->revokedAt);
}

namespace {

std::vector<uint64_t> serialsOf(const Result<std::vector<SshCertificateRecord>>& found) {
  REQUIRE(found.ok());
  std::vector<uint64_t> out;
  for (const auto& r : *found) out.push_back(r.serial);
  return out;
}

}  // namespace

// The inventory behind `sshca cert list`: each filter alone, then together.
STORE_CONTRACT_CASE("SshStoreListsWhatEachFilterMatchesOldestFirst") {
  auto db = backend.open();
  SshCertificateRecord bob = sshRecord(2, kUserCa, 1800000000);
  bob.keyId = "bob (admin)";
  bob.subject = "bob@example.com";
  bob.principals = {"bob", "root"};
  bob.keyFingerprint = "SHA256:bobkey";
  SshCertificateRecord host = sshRecord(3, kHostCa, 1750000000);
  host.certType = "host";
  host.provisioner = "hosts";
  host.principals = {"web1.example.com"};
  SshCertificateRecord forever = sshRecord(4, kHostCa, std::numeric_limits<uint64_t>::max());
  forever.certType = "host";
  for (const auto& r : {sshRecord(1), bob, host, forever}) REQUIRE(db->insert(r).ok());
  REQUIRE(db->insert(sshRecord(0x8000000000000001ULL)).ok());
  REQUIRE(db->revoke(kUserCa, 1, "lost", 1760000000).ok());

  store::SshCertificateQuery q;
  CHECK(serialsOf(db->list(q)) == std::vector<uint64_t>{1, 2, 3, 4, 0x8000000000000001ULL});
  q.limit = 2;
  CHECK(serialsOf(db->list(q)) == std::vector<uint64_t>{1, 2});
  auto only = [&](auto set) {
    store::SshCertificateQuery one;
    set(one);
    return serialsOf(db->list(one));
  };
  using V = std::vector<uint64_t>;
  CHECK(only([](auto& o) { o.serial = 0x8000000000000001ULL; }) == V{0x8000000000000001ULL});
  CHECK(only([](auto& o) { o.serial = 99; }).empty());
  CHECK(only([](auto& o) { o.certType = "host"; }) == V{3, 4});
  CHECK(only([](auto& o) { o.principal = "root"; }) == V{2});
  CHECK(only([](auto& o) { o.principal = "roo"; }).empty());  // whole principals, no prefixes
  CHECK(only([](auto& o) { o.keyId = "bob (admin)"; }) == V{2});
  CHECK(only([](auto& o) { o.subject = "bob@example.com"; }) == V{2});
  CHECK(only([](auto& o) { o.provisioner = "hosts"; }) == V{3});
  CHECK(only([](auto& o) { o.keyFingerprint = "SHA256:bobkey"; }) == V{2});
  CHECK(only([](auto& o) { o.revoked = true; }) == V{1});
  CHECK(only([](auto& o) { o.revoked = false; }) == V{2, 3, 4, 0x8000000000000001ULL});
  // Expiring within a window: still valid at its start, ending by its end;
  // a certificate valid forever never expires.
  CHECK(only([](auto& o) {
          o.unexpiredAt = 1760000000;
          o.expiringBy = 1900000000;
        }) == V{2});
  CHECK(only([](auto& o) { o.unexpiredAt = 1800000000; }) == V{1, 4, 0x8000000000000001ULL});
  CHECK(only([](auto& o) {
          o.certType = "user";
          o.revoked = false;
          o.principal = "alice";
        }) == V{0x8000000000000001ULL});
  auto full = db->list(q);
  REQUIRE(full.ok());
  checkSameRecord((*full)[1], bob);
}

// Denials (`sshca deny`) are the database's: another store on it (another
// instance, a restart) sees them.
STORE_CONTRACT_CASE("SshStoreKeepsDenialsOncePerNameAcrossReopen") {
  const store::DenyKey alice{store::kDenySubject, "alice@example.com"};
  const store::DenyKey key{store::kDenyKeyFingerprint, "SHA256:stolen"};
  {
    auto db = backend.open();
    CHECK(db->listDenied()->empty());
    REQUIRE(db->addDenied({alice, "left the company", 1700000000}).ok());
    REQUIRE(db->addDenied({key, "laptop stolen", 1700000001}).ok());
    CHECK(db->addDenied({alice, "again", 1700000002}).error().code == ErrorCode::AlreadyExists);
    // The same value under another kind is another denial.
    REQUIRE(db->addDenied({{store::kDenyKeyId, "alice@example.com"}, "key ID", 1700000003}).ok());
  }
  auto db = backend.open();
  auto all = db->listDenied();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].key == alice);
  CHECK((*all)[0].reason == "left the company");  // the first denial stands
  CHECK((*all)[0].addedAt == 1700000000);
  auto found = db->findDenied({{store::kDenySubject, "bob"}, key, {store::kDenyEmail, "alice@example.com"}});
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].key == key);
  CHECK(db->findDenied({})->empty());
  // Several denials of one request: the oldest first, whatever the order
  // the keys were asked in (the refusal names the first).
  auto several = db->findDenied({{store::kDenyKeyId, "alice@example.com"}, key, alice});
  REQUIRE(several.ok());
  REQUIRE(several->size() == 3);
  CHECK((*several)[0].key == alice);
  CHECK((*several)[1].key == key);
  CHECK((*several)[2].key.kind == store::kDenyKeyId);
  REQUIRE(db->removeDenied(alice).ok());
  CHECK(db->removeDenied(alice).error().code == ErrorCode::NotFound);
  CHECK(db->findDenied({alice})->empty());
  CHECK(backend.count("denied_identities") == 2);
}

// The version is the database's: a reopened store (a restart) reads it back.
STORE_CONTRACT_CASE("SshStoreKrlVersionBumpsWithEachRevocationAcrossReopen") {
  {
    auto db = backend.open();
    CHECK(*db->krlVersion() == 0);
    for (uint64_t serial : {1, 2, 3}) REQUIRE(db->insert(sshRecord(serial)).ok());
    CHECK(db->revoke(kUserCa, 99, "unknown", 1750000000).error().code == ErrorCode::NotFound);
    CHECK(*db->krlVersion() == 0);
    REQUIRE(db->revoke(kUserCa, 1, "lost", 1750000000).ok());
    CHECK(*db->krlVersion() == 1);
    REQUIRE(db->revoke(kUserCa, 2, "lost", 1750000000).ok());
    CHECK(db->revoke(kUserCa, 2, "again", 1750000000).error().code == ErrorCode::AlreadyExists);
    CHECK(*db->krlVersion() == 2);  // a refused revocation does not bump
  }
  auto db = backend.open();
  CHECK(*db->krlVersion() == 2);
  REQUIRE(db->revoke(kUserCa, 3, "lost", 1750000000).ok());
  CHECK(*db->krlVersion() == 3);
}

// The metrics' "newest certificate" of a CA key: per key, revoked ones
// count, "forever" reads back as such.
STORE_CONTRACT_CASE("SshStoreLatestValidBeforePerCaKey") {
  auto db = backend.open();
  CHECK(!db->latestValidBefore(kUserCa)->has_value());
  REQUIRE(db->insert(sshRecord(1, kUserCa, 3000000000)).ok());
  REQUIRE(db->insert(sshRecord(2, kUserCa, 3500000000)).ok());
  REQUIRE(db->insert(sshRecord(3, kUserCa, 3200000000)).ok());
  REQUIRE(db->insert(sshRecord(4, kHostCa, 2000000000)).ok());
  REQUIRE(db->revoke(kUserCa, 2, "lost", 1750000000).ok());
  CHECK(**db->latestValidBefore(kUserCa) == 3500000000);
  CHECK(**db->latestValidBefore(kHostCa) == 2000000000);
  REQUIRE(db->insert(sshRecord(5, kHostCa, UINT64_MAX)).ok());
  CHECK(**db->latestValidBefore(kHostCa) == UINT64_MAX);
}

STORE_CONTRACT_CASE("SshStoreReopenSeesEverything") {
  {
    auto db = backend.open();
    for (uint64_t s = 1; s <= 20; ++s) REQUIRE(db->insert(sshRecord(s)).ok());
    REQUIRE(db->revoke(kUserCa, 5, "lost laptop", 1750000000).ok());
    REQUIRE(db->useToken("jti-1", "jwk", 4000000000, 1700000000).ok());
  }
  auto db = backend.open();
  CHECK(db->findByKeyId(kSampleKeyId)->size() == 20);
  CHECK(db->findBySerial(kUserCa, 5).value()->revocationReason == "lost laptop");
  CHECK(db->useToken("jti-1", "jwk", 4000000000, 1700000001).error().code == ErrorCode::Replayed);
}

STORE_CONTRACT_CASE("SshStoreRefusesAReplayedTokenPerProvisioner") {
  auto db = backend.open();
  REQUIRE(db->useToken("jti-secret-1", "jwk", 1700000600, 1700000000).ok());
  auto again = db->useToken("jti-secret-1", "jwk", 1700000600, 1700000001);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::Replayed);
  CHECK(again.error().message.find("jti-secret-1") == std::string::npos);  // no token material in messages
  // Token IDs are scoped by provisioner.
  CHECK(db->useToken("jti-secret-1", "other-jwk", 1700000600, 1700000001).ok());
}

STORE_CONTRACT_CASE("SshStoreRecordsNoCertificateForAReplayedToken") {
  auto db = backend.open();
  REQUIRE(db->recordIssued(sshRecord(1), tokenUse("jti-1")).ok());
  CHECK(db->findBySerial(kUserCa, 1)->has_value());
  auto replay = db->recordIssued(sshRecord(2), tokenUse("jti-1"));
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK_FALSE(db->findBySerial(kUserCa, 2)->has_value());
  CHECK(backend.count("ssh_certificates") == 1);
}

STORE_CONTRACT_CASE("SshStoreTakenSerialDoesNotConsumeTheToken") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  auto clash = db->recordIssued(sshRecord(1), tokenUse("jti-2"));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::AlreadyExists);
  CHECK(backend.count("used_tokens") == 0);
  // Rolled back with the certificate: the caller may retry with a new serial.
  CHECK(db->recordIssued(sshRecord(2), tokenUse("jti-2")).ok());
  CHECK(backend.count("ssh_certificates") == 2);
}

// Sign, renew and rekey record through the Then forms and answer from
// `done`: it must come exactly once, after the rows are readable, with the
// same refusals as the blocking forms, and the store must not need the
// caller's record to outlive the call.
STORE_CONTRACT_CASE("SshStoreAnswersDeferredRecordsOnceTheyAreDurable") {
  auto db = backend.open();
  auto recordThen = [&](uint64_t serial, const std::string& jti,
                        std::optional<store::ReplacedCertificate> replaced = std::nullopt) {
    auto answer = std::make_shared<std::promise<Status>>();
    auto calls = std::make_shared<std::atomic<int>>(0);
    std::future<Status> got = answer->get_future();
    auto done = [answer, calls](const Status& s) {
      if (calls->fetch_add(1) == 0) answer->set_value(s);
    };
    {
      store::SshCertificateRecord row = sshRecord(serial);  // dies before the answer may come
      if (replaced)
        db->recordReplacementThen(row, tokenUse(jti), *replaced, done);
      else
        db->recordIssuedThen(row, tokenUse(jti), done);
    }
    Status s = got.get();
    CHECK(calls->load() == 1);
    return s;
  };
  REQUIRE(recordThen(1, "jti-then-1").ok());
  CHECK(db->findBySerial(kUserCa, 1)->has_value());
  Status replay = recordThen(2, "jti-then-1");
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK_FALSE(db->findBySerial(kUserCa, 2)->has_value());

  REQUIRE(recordThen(3, "jti-then-3", store::ReplacedCertificate{kUserCa, 1}).ok());
  CHECK(db->replacementOf(kUserCa, 1)->value_or(0) == 3);
  REQUIRE(db->revoke(kUserCa, 3, "stolen", 1700000000).ok());
  Status revoked = recordThen(4, "jti-then-4", store::ReplacedCertificate{kUserCa, 3});
  REQUIRE_FALSE(revoked.ok());
  CHECK(revoked.error().code == ErrorCode::Unauthenticated);
  CHECK(backend.count("ssh_certificates") == 2);

  // Many at once, none waited for in between: every one answered once.
  // The callbacks own what they touch: the last may still be returning
  // from set_value when the wait below ends.
  constexpr int kMany = 40;
  struct Tally {
    std::atomic<int> answered{0}, ok{0};
    std::promise<void> all;
  };
  auto tally = std::make_shared<Tally>();
  std::future<void> all = tally->all.get_future();
  for (int i = 0; i < kMany; ++i) {
    db->recordIssuedThen(sshRecord(100 + static_cast<uint64_t>(i)), tokenUse("jti-many-" + std::to_string(i)),
                         [tally](const Status& s) {
                           if (s.ok()) tally->ok.fetch_add(1);
                           if (tally->answered.fetch_add(1) + 1 == kMany) tally->all.set_value();
                         });
  }
  all.wait();
  CHECK(tally->ok.load() == kMany);
  CHECK(backend.count("ssh_certificates") == 2 + kMany);
}

STORE_CONTRACT_CASE("SshStoreRecordsAReplacementOnlyOfALiveCertificate") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  REQUIRE(db->recordReplacement(sshRecord(2), tokenUse("renew-1"), {kUserCa, 1}).ok());
  CHECK(db->findBySerial(kUserCa, 2)->has_value());

  // Revoked, or not on record (another CA's serial 1): refused, nothing
  // recorded, the token still unused.
  REQUIRE(db->revoke(kUserCa, 1, "stolen", 1700000000).ok());
  for (const char* ca : {kUserCa, kHostCa}) {
    Status s = db->recordReplacement(sshRecord(3), tokenUse("renew-2"), {ca, 1});
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == ErrorCode::Unauthenticated);
    CHECK_FALSE(db->findBySerial(kUserCa, 3)->has_value());
  }
  CHECK(db->useToken("renew-2", "jwk", 2000000000, 1700000000).ok());
}

// A certificate is replaced once: a second renewal from it is refused with
// nothing recorded and its token unused; a replayed token is Replayed.
STORE_CONTRACT_CASE("SshStoreRecordsAReplacementOnce") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  REQUIRE(db->recordReplacement(sshRecord(2), tokenUse("renew-1"), {kUserCa, 1}).ok());
  CHECK(*db->replacementOf(kUserCa, 1) == std::optional<uint64_t>(2));
  CHECK_FALSE(db->replacementOf(kUserCa, 2)->has_value());
  CHECK_FALSE(db->replacementOf(kHostCa, 1)->has_value());

  Status fork = db->recordReplacement(sshRecord(3), tokenUse("renew-2"), {kUserCa, 1});
  REQUIRE_FALSE(fork.ok());
  CHECK(fork.error().code == ErrorCode::Unauthenticated);
  CHECK_THAT(fork.error().message, Catch::Contains("already replaced by serial 2"));
  CHECK_FALSE(db->findBySerial(kUserCa, 3)->has_value());
  CHECK(db->useToken("renew-2", "jwk", 2000000000, 1700000000).ok());  // it was still unused

  Status replay = db->recordReplacement(sshRecord(4), tokenUse("renew-1"), {kUserCa, 2});
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK_FALSE(db->findBySerial(kUserCa, 4)->has_value());
  CHECK_FALSE(db->replacementOf(kUserCa, 2)->has_value());
}

// Revoking any link revokes the chain both ways (1 -> 2 -> 3 -> 4), in one
// KRL version, and nothing of another chain or another CA.
STORE_CONTRACT_CASE("SshStoreRevokesAWholeRenewalChain") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  REQUIRE(db->insert(sshRecord(1, kHostCa)).ok());
  REQUIRE(db->insert(sshRecord(9)).ok());
  for (uint64_t s = 2; s <= 4; ++s)
    REQUIRE(db->recordReplacement(sshRecord(s), tokenUse("renew-" + std::to_string(s)), {kUserCa, s - 1}).ok());
  REQUIRE(db->recordReplacement(sshRecord(2, kHostCa), tokenUse("renew-host"), {kHostCa, 1}).ok());
  const uint64_t before = *db->krlVersion();

  auto revoked = db->revoke(kUserCa, 2, "host compromised", 1750000000);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 4);
  CHECK(revoked->front() == 2);
  CHECK(std::set<uint64_t>(revoked->begin(), revoked->end()) == std::set<uint64_t>{1, 2, 3, 4});
  CHECK(*db->krlVersion() == before + 1);
  for (uint64_t s = 1; s <= 4; ++s)
    CHECK((*db->findBySerial(kUserCa, s))->revokedAt == std::optional<int64_t>(1750000000));
  CHECK((*db->findBySerial(kUserCa, 2))->revocationReason == "host compromised");
  CHECK_THAT((*db->findBySerial(kUserCa, 4))->revocationReason, Catch::Contains("renewal chain of serial 2"));
  CHECK(db->revokedNotExpired(kUserCa, 1750000000)->size() == 4);
  CHECK_FALSE((*db->findBySerial(kUserCa, 9))->revokedAt.has_value());
  CHECK_FALSE((*db->findBySerial(kHostCa, 1))->revokedAt.has_value());
  CHECK_FALSE((*db->findBySerial(kHostCa, 2))->revokedAt.has_value());
  CHECK(db->revoke(kUserCa, 4, "again", 1760000000).error().code == ErrorCode::AlreadyExists);

  // Revoked, the chain's newest cannot be renewed either.
  Status late = db->recordReplacement(sshRecord(5), tokenUse("renew-5"), {kUserCa, 4});
  CHECK(late.error().code == ErrorCode::Unauthenticated);
  CHECK_FALSE(db->findBySerial(kUserCa, 5)->has_value());

  // From the other end: the host CA's chain, revoked at its first link.
  auto host = db->revoke(kHostCa, 1, "decommissioned", 1750000000);
  REQUIRE(host.ok());
  CHECK(*host == std::vector<uint64_t>{1, 2});
}

STORE_CONTRACT_CASE("SshStoreRevokesWithATokenInOneTransaction") {
  auto db = backend.open();
  REQUIRE(db->insert(sshRecord(1)).ok());
  uint64_t version = db->krlVersion().value();
  REQUIRE(db->revokeWithToken(kUserCa, 1, "stolen", 1700000000, tokenUse("revoke-1")).ok());
  CHECK(db->findBySerial(kUserCa, 1).value()->revokedAt == std::optional<int64_t>(1700000000));
  CHECK(db->krlVersion().value() == version + 1);
  // The token is spent with it: a replay is Replayed, before anything else.
  CHECK(db->revokeWithToken(kUserCa, 1, "again", 1700000001, tokenUse("revoke-1")).error().code == ErrorCode::Replayed);
  // A revocation that fails leaves its token unused, and the KRL alone.
  CHECK(db->revokeWithToken(kUserCa, 1, "again", 1700000001, tokenUse("revoke-2")).error().code ==
        ErrorCode::AlreadyExists);
  CHECK(db->revokeWithToken(kUserCa, 99, "never issued", 1700000001, tokenUse("revoke-3")).error().code ==
        ErrorCode::NotFound);
  CHECK(db->krlVersion().value() == version + 1);
  CHECK(db->useToken("revoke-2", "jwk", 2000000000, 1700000000).ok());
  CHECK(db->useToken("revoke-3", "jwk", 2000000000, 1700000000).ok());
}

STORE_CONTRACT_CASE("SshStorePruneForgetsOnlyExpiredTokens") {
  auto db = backend.open();
  REQUIRE(db->useToken("old", "jwk", 1700000100, 1700000000).ok());
  REQUIRE(db->useToken("edge", "jwk", 1700000200, 1700000000).ok());
  REQUIRE(db->useToken("fresh", "jwk", 1700000900, 1700000000).ok());
  REQUIRE(db->pruneExpired(1700000200).ok());
  CHECK(backend.count("used_tokens") == 2);
  CHECK(db->useToken("old", "jwk", 1700000100, 1700000300).ok());                                  // forgotten
  CHECK(db->useToken("edge", "jwk", 1700000200, 1700000300).error().code == ErrorCode::Replayed);  // exp == now kept
  CHECK(db->useToken("fresh", "jwk", 1700000900, 1700000300).error().code == ErrorCode::Replayed);
}

STORE_CONTRACT_CASE("SshStoreRefusesASchemaFromANewerSshca") {
  backend.open();
  backend.markNewerSchema();
  auto newer = store::openSshIssuanceStore(backend.config(), 1);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().code == ErrorCode::Unsupported);
  CHECK_THAT(newer.error().message, Catch::Contains("schema version 999"));
}

TEST_CASE("StoreFactoryRefusesAnUnknownType", "[store]") {
  config::DbConfig cfg;
  cfg.type = "mysql";
  auto opened = store::openSshIssuanceStore(cfg, 1);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Unsupported);
}
