// What only the SQLite SSH issuance store has: close() (queued writes
// committed, later ones refused), a file that cannot be opened, and the
// whole-table readers that `sshca db migrate` copies from. The contract it
// shares with PostgreSQL is in test_store_ssh_contract.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_ssh_krl.h"
#include "ca/service/store/sqlite/sqlite_ssh_rows.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_token_rows.h"
#include "tests/unit/support/ssh_store_records.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::SqliteSshStore;
using store::SshCertificateRecord;
using store::TokenUse;
using test::kHostCa;
using test::kUserCa;
using test::sshRecord;
using test::TempDir;

namespace {

std::unique_ptr<SqliteSshStore> open(const std::string& path) {
  auto s = SqliteSshStore::open(path);
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("SshStoreRefusesWritesAfterCloseAndKeepsEarlierOnes", "[store][sqlite]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  {
    auto db = open(path);
    REQUIRE(db->insert(sshRecord(1)).ok());
    db->close();
    CHECK(db->insert(sshRecord(2)).error().code == ErrorCode::Unavailable);  // closed: refused, not lost
  }
  auto db = open(path);
  CHECK(db->findBySerial(kUserCa, 1)->has_value());
  CHECK_FALSE(db->findBySerial(kUserCa, 2)->has_value());
}

TEST_CASE("SshStoreUnopenableDatabaseIsUnavailable", "[store][sqlite]") {
  auto s = SqliteSshStore::open("/nonexistent-dir/ca.db");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Unavailable);
}

TEST_CASE("SshSqliteRowsReadEveryCertificateAndUnexpiredToken", "[store][sqlite]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  {
    auto db = open(path);
    REQUIRE(db->insert(sshRecord(9)).ok());
    REQUIRE(db->insert(sshRecord(3, kHostCa)).ok());
    REQUIRE(db->revoke(kUserCa, 9, "lost", 1750000000).ok());
    REQUIRE(db->useToken("expired", "jwk", 1700000100, 1700000000).ok());
    REQUIRE(db->useToken("valid", "jwk", 1700000900, 1700000000).ok());
  }
  auto reader = store::openReaderConnection(path);
  REQUIRE(reader.ok());
  std::vector<SshCertificateRecord> records;
  REQUIRE(store::forEachSshCertificateRow(reader->get(), [&](SshCertificateRecord r) {
            records.push_back(std::move(r));
            return okStatus();
          }).ok());
  REQUIRE(records.size() == 2);  // oldest first
  CHECK(records[0].serial == 9);
  CHECK(records[0].revocationReason == "lost");
  CHECK(records[0].principals == sshRecord(9).principals);
  CHECK(records[1].caFingerprint == kHostCa);
  std::vector<TokenUse> tokens;
  REQUIRE(store::forEachUsedTokenRow(reader->get(), 1700000200, [&](const TokenUse& use) {
            tokens.push_back(use);
            return okStatus();
          }).ok());
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].tokenId == "valid");
  CHECK(tokens[0].provisioner == "jwk");
  CHECK(tokens[0].expiresAt == 1700000900);
  CHECK(tokens[0].now == 1700000000);
  CHECK(*store::selectKrlVersion(reader->get()) == 1);
  // A visitor's error stops the walk and is returned.
  int visits = 0;
  Status stopped = store::forEachSshCertificateRow(reader->get(), [&](SshCertificateRecord) -> Status {
    ++visits;
    return makeError(ErrorCode::Internal, "stop");
  });
  CHECK(stopped.error().code == ErrorCode::Internal);
  CHECK(visits == 1);
}
