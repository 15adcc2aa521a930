// The SQLite certificate store: records, uniqueness, revocation, CRL
// numbers, schema versioning, persistence.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_migrations.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::CertificateRecord;

namespace {

using test::TempDir;

CertificateRecord record(std::string serial, std::time_t notAfter = 4000000000) {
  CertificateRecord r;
  r.serialHex = std::move(serial);
  r.issuer = "CN=Test Intermediate CA";
  r.subject = "CN=www.example.com";
  r.subjectAltNames = {"DNS:www.example.com", "IP:192.0.2.1"};
  r.notBefore = 1700000000;
  r.notAfter = notAfter;
  r.profile = "server";
  r.pem = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
  return r;
}

std::unique_ptr<store::CertificateStore> open(const std::string& path) {
  auto s = store::openSqliteCertificateStore(path);
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("StoresAndFindsACertificate", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->addCertificate(record("4ABC")).ok());
  auto found = db->findBySerial("4ABC");
  REQUIRE(found.ok());
  CHECK(found->subject == "CN=www.example.com");
  CHECK(found->subjectAltNames == std::vector<std::string>{"DNS:www.example.com", "IP:192.0.2.1"});
  CHECK(found->notAfter == 4000000000);
  CHECK(found->profile == "server");
  CHECK_FALSE(found->revokedAt);
  CHECK(db->findBySerial("FFFF").error().code == ErrorCode::NotFound);
}

TEST_CASE("RefusesADuplicateSerial", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->addCertificate(record("4ABC")).ok());
  auto again = db->addCertificate(record("4ABC"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
}

TEST_CASE("RevokesOnceAndListsRevokedUnexpiredOnly", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->addCertificate(record("01AA")).ok());
  REQUIRE(db->addCertificate(record("02BB", 1800000000)).ok());
  REQUIRE(db->addCertificate(record("03CC")).ok());
  REQUIRE(db->revoke("01AA", 1750000000, x509::RevocationReason::KeyCompromise).ok());
  REQUIRE(db->revoke("02BB", 1750000000, x509::RevocationReason::Superseded).ok());
  CHECK(db->revoke("01AA", 1760000000, x509::RevocationReason::Unspecified).error().code == ErrorCode::AlreadyExists);
  CHECK(db->revoke("9999", 1760000000, x509::RevocationReason::Unspecified).error().code == ErrorCode::NotFound);
  auto revoked = db->revokedBy("CN=Test Intermediate CA", 1900000000);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 1);  // 02BB expired before "now"
  CHECK((*revoked)[0].serialHex == "01AA");
  CHECK((*revoked)[0].revokedAt == 1750000000);
  CHECK((*revoked)[0].reason == x509::RevocationReason::KeyCompromise);
  CHECK(db->revokedBy("CN=Other CA", 1900000000)->empty());
}

TEST_CASE("CrlNumbersIncreasePerIssuerAndPersist", "[store]") {
  TempDir dir;
  {
    auto db = open(dir.file("ca.db"));
    CHECK(*db->nextCrlNumber("CN=A", 1) == 1);
    CHECK(*db->nextCrlNumber("CN=A", 2) == 2);
    CHECK(*db->nextCrlNumber("CN=B", 3) == 1);
    REQUIRE(db->addCertificate(record("4ABC")).ok());
  }
  auto db = open(dir.file("ca.db"));
  CHECK(*db->nextCrlNumber("CN=A", 4) == 3);
  CHECK(db->findBySerial("4ABC").ok());
}

TEST_CASE("SchemaIsVersionedAndWal", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  open(path);
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  store::SqliteDb db(raw);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db.get(), sql, -1, &s, nullptr);
    store::SqliteStmt stmt(s);
    sqlite3_step(s);
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  };
  CHECK(scalar("PRAGMA user_version") == std::to_string(store::latestSchemaVersion()));
  CHECK(scalar("PRAGMA journal_mode") == "wal");
}

TEST_CASE("RefusesADatabaseFromANewerSshca", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    store::SqliteDb db(raw);
    REQUIRE(sqlite3_exec(db.get(), "PRAGMA user_version = 999", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  auto s = store::openSqliteCertificateStore(path);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Unsupported);
}

TEST_CASE("UnopenableDatabaseIsUnavailable", "[store]") {
  auto s = store::openSqliteCertificateStore("/nonexistent-dir/ca.db");
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Unavailable);
}
