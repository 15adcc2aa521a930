// What only the PostgreSQL SSH issuance store has, against a real server:
// a shared database, so CA processes starting and racing on it, sessions
// the server drops, and reaching the server at all. The contract it shares
// with SQLite is in test_store_ssh_contract.cpp. Tagged [postgres]; they
// need SSHCA_TEST_PG_DSN and pass with a warning without it.
// tests/e2e/postgres_store.sh starts a private server and runs them.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/store/postgres/postgres_migrations.h"
#include "ca/service/store/postgres/postgres_ssh_store.h"
#include "ca/service/store/store_factory.h"
#include "tests/unit/support/pg_test_schema.h"
#include "tests/unit/support/ssh_store_records.h"

using namespace sshca;
using store::PostgresSshStore;
using test::kUserCa;
using test::PgSchema;
using test::sshRecord;
using test::tokenUse;

namespace {

std::unique_ptr<PostgresSshStore> open(const PgSchema& schema, size_t connections = 4) {
  auto s = PostgresSshStore::open(schema.dsn(), connections);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(s).value();
}

}  // namespace

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
  // One row per version: each migration ran once, not once per instance.
  CHECK(schema.count("schema_version") == store::latestPostgresSchemaVersion());
}

TEST_CASE("PostgresStoreInstancesShareTokensSerialsAndKrlVersions", "[store][postgres]") {
  PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto a = open(schema, 4);
  auto b = open(schema, 4);
  // A token used through one instance is refused by the other.
  REQUIRE(a->recordIssued(sshRecord(1), tokenUse("shared")).ok());
  auto replay = b->recordIssued(sshRecord(2), tokenUse("shared"));
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
        std::string tokenId = "t" + std::to_string(t) + "-" + std::to_string(s);
        Status st = store.recordIssued(sshRecord(1000 + s), tokenUse(tokenId));
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
  auto db = open(schema, 2);
  REQUIRE(db->insert(sshRecord(5)).ok());
  // What a server restart does to the pool's idle connections.
  schema.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + schema.name() +
              "'");
  auto found = db->findBySerial(kUserCa, 5);
  REQUIRE(found.ok());
  CHECK(found->has_value());
  schema.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + schema.name() +
              "'");
  CHECK(db->recordIssued(sshRecord(6), tokenUse("after-restart")).ok());
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
