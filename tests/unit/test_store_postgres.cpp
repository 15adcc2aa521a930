// The PostgreSQL SSH issuance store against a real server: the same
// guarantees as SQLite (round trips, serial uniqueness, revocation and KRL
// versions, one-time tokens, recordIssued atomicity), and what only a
// shared database adds: two store instances (two CA processes) racing on
// one database. Tagged [postgres]; they need SSHCA_TEST_PG_DSN and pass
// with a warning without it. tests/e2e/postgres_store.sh starts a private
// server and runs them.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "store/postgres_connection.h"
#include "store/postgres_ssh_store.h"
#include "store/store_factory.h"

using namespace sshca;
using store::PostgresSshStore;
using store::SshCertificateRecord;

namespace {

const char* const kUserCa = "SHA256:userCAuserCAuserCAuserCAuserCAuserCAuserC";
const char* const kHostCa = "SHA256:hostCAhostCAhostCAhostCAhostCAhostCAhostC";

// A schema of its own on SSHCA_TEST_PG_DSN for one test (search_path and
// application_name point at it), dropped when the test ends.
class PgSchema {
 public:
  PgSchema() {
    const char* base = std::getenv("SSHCA_TEST_PG_DSN");
    if (!base || !*base) return;
    std::random_device rd;
    name_ = "sshca_test_" + std::to_string(rd()) + std::to_string(rd());
    auto admin = store::connectPostgres(base);
    REQUIRE(admin.ok());
    admin_ = std::move(admin).value();
    REQUIRE(store::pgExec(admin_.get(), "CREATE SCHEMA " + name_, "test schema").ok());
    auto withPath = store::dsnWithParameter(base, "options", "-csearch_path=" + name_);
    REQUIRE(withPath.ok());
    auto dsn = store::dsnWithParameter(*withPath, "application_name", name_);
    REQUIRE(dsn.ok());
    dsn_ = *dsn;
  }
  ~PgSchema() {
    if (admin_) (void)store::pgExec(admin_.get(), "DROP SCHEMA " + name_ + " CASCADE", "test schema");
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  bool enabled() const { return !dsn_.empty(); }
  const std::string& dsn() const { return dsn_; }
  const std::string& name() const { return name_; }

  std::unique_ptr<PostgresSshStore> open(size_t connections = 4) const {
    auto s = PostgresSshStore::open(dsn_, connections);
    if (!s.ok()) FAIL(s.error().message);
    return std::move(s).value();
  }
  // One value from the test's schema (the admin session's search_path is
  // the default, so names are qualified).
  int64_t count(const std::string& table) const {
    auto r = store::pgExec(admin_.get(), "SELECT count(*) FROM " + name_ + "." + table, "count");
    REQUIRE(r.ok());
    return store::pgInt64(r->get(), 0, 0);
  }
  void exec(const std::string& sql) const { REQUIRE(store::pgExec(admin_.get(), sql, "test").ok()); }

 private:
  std::string name_;
  std::string dsn_;
  store::PgConn admin_;
};

#define SKIP_WITHOUT_POSTGRES(schema)                                                                       \
  if (!(schema).enabled()) {                                                                                \
    WARN("SSHCA_TEST_PG_DSN is not set: skipped (tests/e2e/postgres_store.sh runs these on a private server)"); \
    return;                                                                                                 \
  }

SshCertificateRecord record(uint64_t serial, std::string ca = kUserCa, uint64_t validBefore = 4000000000) {
  SshCertificateRecord r;
  r.serial = serial;
  r.caFingerprint = std::move(ca);
  r.certType = "user";
  r.keyId = "alice@example.com via oidc";
  r.principals = {"alice", "admin,ops", "quote\"back\\slash"};
  r.validAfter = 1700000000;
  r.validBefore = validBefore;
  r.keyFingerprint = "SHA256:keykeykeykeykeykeykeykeykeykeykeykeykeykey";
  r.provisioner = "oidc";
  r.subject = "alice@example.com";
  r.certificate = {0x00, 0x00, 0x00, 0x1c, 's', 's', 'h', 0x00, 0xff, 0x80, 0x00};  // NULs and non-UTF-8 kept
  r.issuedAt = 1700000100;
  return r;
}

store::TokenUse token(std::string id, int64_t exp = 2000000000) { return {std::move(id), "admin", exp, 1700000000}; }

}  // namespace

TEST_CASE("PostgresStoreRoundTripsRecordsOverTheWholeSerialRange", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  for (uint64_t serial : {uint64_t{0}, uint64_t{1}, uint64_t{0x7fffffffffffffffULL}, uint64_t{0x8000000000000000ULL},
                          uint64_t{0xfedcba9876543210ULL}, std::numeric_limits<uint64_t>::max()}) {
    SshCertificateRecord in = record(serial);
    REQUIRE(db->insert(in).ok());
    auto found = db->findBySerial(kUserCa, serial);
    REQUIRE(found.ok());
    REQUIRE(found->has_value());
    const SshCertificateRecord& out = **found;
    CHECK(out.serial == serial);
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
  }
  CHECK_FALSE(db->findBySerial(kHostCa, 1)->has_value());
  CHECK_FALSE(db->findBySerial(kUserCa, 2)->has_value());
}

TEST_CASE("PostgresStoreKeepsForeverValidityAndNoPrincipals", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  SshCertificateRecord in = record(7, kHostCa, std::numeric_limits<uint64_t>::max());
  in.certType = "host";
  in.principals.clear();
  REQUIRE(db->insert(in).ok());
  auto out = db->findBySerial(kHostCa, 7);
  REQUIRE(out.ok());
  REQUIRE(out->has_value());
  CHECK((*out)->validBefore == std::numeric_limits<uint64_t>::max());
  CHECK((*out)->principals.empty());
  REQUIRE(db->revoke(kHostCa, 7, "decommissioned", 1800000000).ok());
  CHECK(db->revokedNotExpired(kHostCa, std::numeric_limits<int64_t>::max() - 1)->size() == 1);
}

TEST_CASE("PostgresStoreRefusesADuplicateSerialPerCaOnly", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  REQUIRE(db->insert(record(42)).ok());
  auto again = db->insert(record(42));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(db->insert(record(42, kHostCa)).ok());
  CHECK(schema.count("ssh_certificates") == 2);
  CHECK(schema.count("ssh_certificate_principals") == 6);  // the refused row left no principals behind
}

TEST_CASE("PostgresStoreFindsByKeyIdOldestFirst", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
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
}

TEST_CASE("PostgresStoreRevokesOnceAndBumpsTheKrlVersion", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  CHECK(*db->krlVersion() == 0);
  REQUIRE(db->insert(record(10)).ok());
  REQUIRE(db->insert(record(11, kUserCa, 1750000000)).ok());  // expired at "now" below
  auto unknown = db->revoke(kUserCa, 99, "lost", 1800000000);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  REQUIRE(db->revoke(kUserCa, 10, "key compromise", 1800000000).ok());
  CHECK(*db->krlVersion() == 1);
  auto twice = db->revoke(kUserCa, 10, "again", 1800000001);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::AlreadyExists);
  CHECK(*db->krlVersion() == 1);  // a refused revocation changes nothing
  REQUIRE(db->revoke(kUserCa, 11, "left", 1800000000).ok());
  CHECK(*db->krlVersion() == 2);
  auto listed = db->revokedNotExpired(kUserCa, 1800000000);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].serial == 10);
  CHECK((*listed)[0].revokedAt == 1800000000);
  CHECK((*listed)[0].revocationReason == "key compromise");
  CHECK(db->revokedNotExpired(kHostCa, 1800000000)->empty());
  // The version is the database's: a new store (a restart) reads it back.
  db.reset();
  CHECK(*schema.open()->krlVersion() == 2);
}

TEST_CASE("PostgresStoreUsesATokenOnceAndPrunesExpiredOnes", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  REQUIRE(db->useToken("jti-secret-1", "admin", 1700000300, 1700000000).ok());
  auto replay = db->useToken("jti-secret-1", "admin", 1700000300, 1700000001);
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK(replay.error().message.find("jti-secret-1") == std::string::npos);
  CHECK(db->useToken("jti-secret-1", "other-provisioner", 1700000300, 1700000000).ok());
  REQUIRE(db->useToken("jti-later", "admin", 1700009999, 1700000000).ok());
  REQUIRE(db->pruneExpired(1700000301).ok());
  CHECK(schema.count("used_tokens") == 1);
}

TEST_CASE("PostgresStoreRecordsCertificateAndTokenTogether", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open();
  REQUIRE(db->recordIssued(record(1), token("t1")).ok());
  // A replayed token: Replayed, and no certificate row for serial 2.
  auto replay = db->recordIssued(record(2), token("t1"));
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK_FALSE(db->findBySerial(kUserCa, 2)->has_value());
  // A taken serial: AlreadyExists, and the token stays unused.
  auto clash = db->recordIssued(record(1), token("t2"));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::AlreadyExists);
  CHECK(db->useToken("t2", "admin", 2000000000, 1700000000).ok());
  CHECK(schema.count("ssh_certificates") == 1);
}

TEST_CASE("PostgresStoreRefusesANewerSchema", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  schema.open();
  schema.exec("INSERT INTO " + schema.name() + ".schema_version (version) VALUES (999)");
  auto newer = PostgresSshStore::open(schema.dsn(), 1);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.error().code == ErrorCode::Unsupported);
  CHECK_THAT(newer.error().message, Catch::Contains("schema version 999"));
}

TEST_CASE("PostgresStoreInstancesMigrateOnceWhenStartedTogether", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  std::vector<std::thread> starters;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    starters.emplace_back([&] {
      if (PostgresSshStore::open(schema.dsn(), 1).ok()) ++opened;
    });
  for (auto& t : starters) t.join();
  CHECK(opened.load() == 4);
  CHECK(schema.count("schema_version") == 1);
}

TEST_CASE("PostgresStoreInstancesShareTokensSerialsAndKrlVersions", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto a = schema.open(4);
  auto b = schema.open(4);
  // A token used through one instance is refused by the other.
  REQUIRE(a->recordIssued(record(1), token("shared")).ok());
  auto replay = b->recordIssued(record(2), token("shared"));
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  // Threads on both instances race for the same serials: each serial is
  // recorded exactly once, every loser hears AlreadyExists.
  constexpr int kSerials = 150;
  constexpr int kThreads = 6;
  std::atomic<int> won{0}, lost{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      PostgresSshStore& store = t % 2 ? *a : *b;
      for (int s = 0; s < kSerials; ++s) {
        Status st = store.recordIssued(record(1000 + s), token("t" + std::to_string(t) + "-" + std::to_string(s)));
        if (st.ok())
          ++won;
        else if (st.error().code == ErrorCode::AlreadyExists)
          ++lost;
        else
          ++other;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(won.load() == kSerials);
  CHECK(lost.load() == kSerials * (kThreads - 1));
  CHECK(other.load() == 0);
  CHECK(schema.count("ssh_certificates") == kSerials + 1);
  // Revocations through both instances at once: one KRL version each.
  threads.clear();
  std::atomic<int> revoked{0};
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&, t] {
      PostgresSshStore& store = t ? *a : *b;
      for (int s = t; s < kSerials; s += 2)
        if (store.revoke(kUserCa, 1000 + s, "test", 1800000000).ok()) ++revoked;
    });
  for (auto& th : threads) th.join();
  CHECK(revoked.load() == kSerials);
  CHECK(*a->krlVersion() == kSerials);
  CHECK(*b->krlVersion() == kSerials);
  CHECK(b->revokedNotExpired(kUserCa, 1800000000)->size() == kSerials);
}

TEST_CASE("PostgresStoreReconnectsAfterTheServerDroppedItsSessions", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto db = schema.open(2);
  REQUIRE(db->insert(record(5)).ok());
  // What a server restart does to the pool's idle connections.
  schema.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + schema.name() +
              "'");
  auto found = db->findBySerial(kUserCa, 5);
  REQUIRE(found.ok());
  CHECK(found->has_value());
  schema.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + schema.name() +
              "'");
  CHECK(db->recordIssued(record(6), token("after-restart")).ok());
}

// No server needed: an unreachable server is Unavailable, and the message
// names the server but never the password.
TEST_CASE("PostgresStoreUnreachableIsUnavailableWithoutThePassword", "[store]") {
  config::DbConfig cfg;
  cfg.type = "postgresql";
  cfg.dsn = "host=127.0.0.1 port=1 user=ca dbname=sshca password=s3cr3t-pw connect_timeout=5";
  auto opened = store::openSshIssuanceStore(cfg, 2);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Unavailable);
  CHECK_THAT(opened.error().message, Catch::Contains("host=127.0.0.1 port=1 dbname=sshca user=ca"));
  CHECK(opened.error().message.find("s3cr3t-pw") == std::string::npos);
  cfg.dsn = "postgresql://ca:s3cr3t-pw@127.0.0.1:1/sshca";
  auto uri = store::openSshIssuanceStore(cfg, 2);
  REQUIRE_FALSE(uri.ok());
  CHECK(uri.error().message.find("s3cr3t-pw") == std::string::npos);
}

TEST_CASE("StoreFactoryRefusesAnUnknownType", "[store]") {
  config::DbConfig cfg;
  cfg.type = "mysql";
  auto opened = store::openSshIssuanceStore(cfg, 1);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().code == ErrorCode::Unsupported);
}
