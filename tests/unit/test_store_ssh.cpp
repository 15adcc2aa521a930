// The SQLite SSH certificate store: records round trip, serial uniqueness
// per CA, revocation and the KRL's view, KRL versions, persistence.
#include <catch2/catch.hpp>

#include "support/temp_dir.h"

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <limits>

#include "store/ssh_sqlite_store.h"

using namespace sshca;
using store::SqliteSshStore;
using store::SshCertificateRecord;

namespace {

const char* const kUserCa = "SHA256:userCAuserCAuserCAuserCAuserCAuserCAuserC";
const char* const kHostCa = "SHA256:hostCAhostCAhostCAhostCAhostCAhostCAhostC";

using test::TempDir;

SshCertificateRecord record(uint64_t serial, std::string ca = kUserCa, uint64_t validBefore = 4000000000) {
  SshCertificateRecord r;
  r.serial = serial;
  r.caFingerprint = std::move(ca);
  r.certType = "user";
  r.keyId = "alice@example.com via oidc";
  r.principals = {"alice", "admin,ops"};
  r.validAfter = 1700000000;
  r.validBefore = validBefore;
  r.keyFingerprint = "SHA256:keykeykeykeykeykeykeykeykeykeykeykeykeykey";
  r.provisioner = "oidc";
  r.subject = "alice@example.com";
  r.certificate = {0x00, 0x00, 0x00, 0x1c, 's', 's', 'h', 0x00, 0xff, 0x80, 0x00};  // NULs and non-UTF-8 kept
  r.issuedAt = 1700000100;
  return r;
}

std::unique_ptr<SqliteSshStore> open(const std::string& path) {
  auto s = SqliteSshStore::open(path);
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("SshStoreRoundTripsARecord", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  SshCertificateRecord in = record(0xfedcba9876543210ULL);  // high bit set: stored as a negative integer
  REQUIRE(db->insert(in).ok());
  auto found = db->findBySerial(kUserCa, in.serial);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  const SshCertificateRecord& out = **found;
  CHECK(out.serial == in.serial);
  CHECK(out.caFingerprint == in.caFingerprint);
  CHECK(out.certType == "user");
  CHECK(out.keyId == in.keyId);
  CHECK(out.principals == in.principals);
  CHECK(out.validAfter == in.validAfter);
  CHECK(out.validBefore == in.validBefore);
  CHECK(out.keyFingerprint == in.keyFingerprint);
  CHECK(out.provisioner == "oidc");
  CHECK(out.subject == "alice@example.com");
  CHECK(out.certificate == in.certificate);
  CHECK(out.issuedAt == in.issuedAt);
  CHECK_FALSE(out.revokedAt);
  CHECK(out.revocationReason.empty());
  auto missing = db->findBySerial(kUserCa, 1);
  REQUIRE(missing.ok());
  CHECK_FALSE(missing->has_value());
  CHECK_FALSE(db->findBySerial(kHostCa, in.serial)->has_value());
}

TEST_CASE("SshStoreKeepsForeverValidityAndNoPrincipals", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  SshCertificateRecord in = record(7, kHostCa, std::numeric_limits<uint64_t>::max());
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

TEST_CASE("SshStoreRefusesADuplicateSerialPerCaOnly", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->insert(record(42)).ok());
  auto again = db->insert(record(42));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(db->insert(record(42, kHostCa)).ok());  // the same serial under another CA
  CHECK(db->findBySerial(kUserCa, 42)->has_value());
  CHECK(db->findBySerial(kHostCa, 42)->has_value());
}

TEST_CASE("SshStoreFindsByKeyIdOldestFirst", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  SshCertificateRecord other = record(3);
  other.keyId = "bob";
  REQUIRE(db->insert(record(2)).ok());
  REQUIRE(db->insert(other).ok());
  REQUIRE(db->insert(record(1, kHostCa)).ok());
  auto found = db->findByKeyId("alice@example.com via oidc");
  REQUIRE(found.ok());
  REQUIRE(found->size() == 2);
  CHECK((*found)[0].serial == 2);
  CHECK((*found)[1].serial == 1);
  CHECK((*found)[1].principals == record(1).principals);
  CHECK(db->findByKeyId("nobody")->empty());
}

TEST_CASE("SshStoreRevokesOnceAndListsRevokedUnexpired", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->insert(record(1)).ok());
  REQUIRE(db->insert(record(2, kUserCa, 1800000000)).ok());
  REQUIRE(db->insert(record(3)).ok());
  REQUIRE(db->insert(record(4, kHostCa)).ok());
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
}

TEST_CASE("SshStoreKrlVersionBumpsWithEachRevocationAcrossReopen", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  {
    auto db = open(path);
    CHECK(*db->krlVersion() == 0);
    for (uint64_t serial : {1, 2, 3}) REQUIRE(db->insert(record(serial)).ok());
    REQUIRE(db->revoke(kUserCa, 1, "lost", 1750000000).ok());
    CHECK(*db->krlVersion() == 1);
    REQUIRE(db->revoke(kUserCa, 2, "lost", 1750000000).ok());
    CHECK(db->revoke(kUserCa, 2, "again", 1750000000).error().code == ErrorCode::AlreadyExists);
    CHECK(*db->krlVersion() == 2);  // a refused revocation does not bump
  }
  auto db = open(path);
  CHECK(*db->krlVersion() == 2);
  REQUIRE(db->revoke(kUserCa, 3, "lost", 1750000000).ok());
  CHECK(*db->krlVersion() == 3);
}

TEST_CASE("SshStoreReopenSeesEverything", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  {
    auto db = open(path);
    for (uint64_t s = 1; s <= 20; ++s) REQUIRE(db->insert(record(s)).ok());
    REQUIRE(db->revoke(kUserCa, 5, "lost laptop", 1750000000).ok());
    REQUIRE(db->useToken("jti-1", "jwk", 4000000000, 1700000000).ok());
    db->close();
    CHECK(db->insert(record(21)).error().code == ErrorCode::Unavailable);  // closed: refused, not lost
  }
  auto db = open(path);
  CHECK(db->findByKeyId("alice@example.com via oidc")->size() == 20);
  CHECK(db->findBySerial(kUserCa, 5).value()->revocationReason == "lost laptop");
  CHECK_FALSE(db->findBySerial(kUserCa, 21)->has_value());
  CHECK(db->useToken("jti-1", "jwk", 4000000000, 1700000001).error().code == ErrorCode::Replayed);
}

TEST_CASE("SshStoreUnopenableDatabaseIsUnavailable", "[store]") {
  auto s = SqliteSshStore::open("/nonexistent-dir/ca.db");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Unavailable);
}
