// A database written by schema version 1 (X.509 only) is migrated in
// place to version 2 by the SSH store, and its X.509 records stay.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_migrations.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;

namespace {

using test::TempDir;

// Schema version 1 exactly as released: frozen here, so that an edit of
// the first migration cannot make this test pass by accident.
constexpr const char* kVersion1 = R"sql(
  CREATE TABLE x509_certificates (
    id          INTEGER PRIMARY KEY,
    serial      TEXT    NOT NULL UNIQUE,
    issuer      TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    sans        TEXT    NOT NULL,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    profile     TEXT    NOT NULL,
    pem         TEXT    NOT NULL,
    revoked_at  INTEGER,
    reason      INTEGER,
    CHECK ((revoked_at IS NULL) = (reason IS NULL))
  );
  CREATE INDEX x509_certificates_revoked ON x509_certificates (issuer, revoked_at)
    WHERE revoked_at IS NOT NULL;
  CREATE TABLE x509_crls (
    issuer     TEXT    NOT NULL,
    number     INTEGER NOT NULL,
    issued_at  INTEGER NOT NULL,
    PRIMARY KEY (issuer, number)
  );
  INSERT INTO x509_certificates (serial, issuer, subject, sans, not_before, not_after, profile, pem)
    VALUES ('4ABC', 'CN=Test Intermediate CA', 'CN=www.example.com', 'DNS:www.example.com',
            1700000000, 4000000000, 'server', 'PEM');
  INSERT INTO x509_crls (issuer, number, issued_at) VALUES ('CN=Test Intermediate CA', 1, 1700000000);
  PRAGMA user_version = 1;
)sql";

void writeVersion1(const std::string& path) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  store::SqliteDb db(raw);
  REQUIRE(sqlite3_exec(db.get(), kVersion1, nullptr, nullptr, nullptr) == SQLITE_OK);
}

int64_t userVersion(const std::string& path) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  store::SqliteDb db(raw);
  auto stmt = store::SqliteStatement::prepare(db.get(), "PRAGMA user_version");
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->step());
  return stmt->integer(0);
}

}  // namespace

TEST_CASE("Version1DatabaseMigratesInPlaceKeepingX509Rows", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  writeVersion1(path);
  {
    auto ssh = store::SqliteSshStore::open(path);
    REQUIRE(ssh.ok());
    store::SshCertificateRecord r;
    r.serial = 1;
    r.caFingerprint = "SHA256:ca";
    r.certType = "host";
    r.keyId = "web1";
    REQUIRE((*ssh)->insert(r).ok());
  }
  CHECK(userVersion(path) == 6);
  CHECK(store::latestSchemaVersion() == 6);
  auto x509 = store::openSqliteCertificateStore(path);
  REQUIRE(x509.ok());
  auto cert = (*x509)->findBySerial("4ABC");
  REQUIRE(cert.ok());
  CHECK(cert->subject == "CN=www.example.com");
  CHECK(*(*x509)->nextCrlNumber("CN=Test Intermediate CA", 1700000100) == 2);
  auto ssh = store::SqliteSshStore::open(path);
  REQUIRE(ssh.ok());
  CHECK((*ssh)->findBySerial("SHA256:ca", 1)->has_value());
  // Version 3's chains work on a migrated file (a certificate of version 2 renews).
  store::SshCertificateRecord next;
  next.serial = 2;
  next.caFingerprint = "SHA256:ca";
  next.certType = "host";
  next.keyId = "web1";
  REQUIRE((*ssh)->recordReplacement(next, {"jti", "sshpop", 2000000000, 1700000000}, {"SHA256:ca", 1}).ok());
  CHECK(*(*ssh)->replacementOf("SHA256:ca", 1) == std::optional<uint64_t>(2));
}
