// The X.509 certificate store as the online CA uses it (POST /x509/sign),
// the same on SQLite and PostgreSQL: a TLS certificate recorded with its
// provisioner and the SSH host certificate's serial (the whole uint64
// range), counted, revoked once, listed for the CRL; CRL numbers strictly
// increase; a certificate and the one-time token it spends commit together
// or not at all. The PostgreSQL half is tagged [postgres] (SSHCA_TEST_PG_DSN,
// tests/e2e/postgres_store.sh).
#include <cstdint>
#include <memory>

#include <catch2/catch.hpp>

#include "ca/service/store/postgres/postgres_x509_store.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"
#include "tests/unit/support/pg_test_schema.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/x509_store_records.h"

using namespace sshca;
using store::CertificateRecord;
using test::tlsRecord;

namespace {

void checkOnlineContract(store::CertificateStore& db) {
  REQUIRE(db.count().value() == 0);
  REQUIRE(db.addCertificate(tlsRecord("4ABC", UINT64_MAX - 1)).ok());
  CertificateRecord pki = tlsRecord("4ABD", 0);
  pki.provisioner.clear();
  pki.sshSerial.reset();
  REQUIRE(db.addCertificate(pki).ok());
  CHECK(db.addCertificate(tlsRecord("4ABC", 7)).error().code == ErrorCode::AlreadyExists);
  CHECK(db.count().value() == 2);
  auto found = db.findBySerial("4ABC");
  REQUIRE(found.ok());
  CHECK(found->provisioner == "sshpop");
  CHECK(found->sshSerial == UINT64_MAX - 1);
  CHECK(found->subjectAltNames == std::vector<std::string>{"DNS:web1.example.com", "IP:192.0.2.1"});
  CHECK_FALSE(db.findBySerial("4ABD")->sshSerial);
  REQUIRE(db.revoke("4ABC", 1800000000, x509::RevocationReason::KeyCompromise).ok());
  CHECK(db.revoke("4ABC", 1800000001, x509::RevocationReason::Unspecified).error().code == ErrorCode::AlreadyExists);
  CHECK(db.revoke("FFFF", 1800000000, x509::RevocationReason::Unspecified).error().code == ErrorCode::NotFound);
  auto revoked = db.revokedBy("CN=Test Intermediate CA", 1800000000);
  REQUIRE(revoked.ok());
  REQUIRE(revoked->size() == 1);
  CHECK(revoked->front().reason == x509::RevocationReason::KeyCompromise);
  CHECK(*revoked->front().revokedAt == 1800000000);
  CHECK(db.nextCrlNumber("CN=Test Intermediate CA", 1).value() == 1);
  CHECK(db.nextCrlNumber("CN=Test Intermediate CA", 2).value() == 2);
  CHECK(db.nextCrlNumber("CN=Other", 2).value() == 1);
}

// A replayed token records no certificate; a taken serial spends no token.
void checkSpendingContract(store::CertificateStore& db) {
  const store::TokenUse use{"jti-1", "sshpop", 4000000000, 1700000000};
  REQUIRE(db.addCertificateSpending(tlsRecord("01", 1), use).ok());
  Status replay = db.addCertificateSpending(tlsRecord("02", 1), use);
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK(db.findBySerial("02").error().code == ErrorCode::NotFound);
  const store::TokenUse fresh{"jti-2", "sshpop", 4000000000, 1700000000};
  Status taken = db.addCertificateSpending(tlsRecord("01", 2), fresh);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == ErrorCode::AlreadyExists);
  CHECK(db.addCertificateSpending(tlsRecord("03", 2), fresh).ok());
  CHECK(db.count().value() == 2);
}

}  // namespace

TEST_CASE("SqliteX509StoreRecordsOnlineTlsCertificates", "[store]") {
  test::TempDir dir;
  auto db = store::openSqliteCertificateStore(dir.file("ca.db"));
  REQUIRE(db.ok());
  checkOnlineContract(**db);
}

TEST_CASE("PostgresX509StoreRecordsOnlineTlsCertificates", "[store][postgres]") {
  test::PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = store::openPostgresCertificateStore(schema.dsn(), 2);
  if (!db.ok()) FAIL(db.error().message);
  checkOnlineContract(**db);
}

TEST_CASE("SqliteX509StoreSpendsTheTokenWithTheCertificate", "[store]") {
  test::TempDir dir;
  auto db = store::openSqliteCertificateStore(dir.file("ca.db"));
  REQUIRE(db.ok());
  checkSpendingContract(**db);
}

TEST_CASE("PostgresX509StoreSpendsTheTokenWithTheCertificate", "[store][postgres]") {
  test::PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = store::openPostgresCertificateStore(schema.dsn(), 2);
  if (!db.ok()) FAIL(db.error().message);
  checkSpendingContract(**db);
}
