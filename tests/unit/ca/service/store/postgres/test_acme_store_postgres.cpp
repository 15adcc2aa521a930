// The ACME store on a real PostgreSQL server: two instances (two stores,
// two connection pools) share the nonces, and a nonce is consumed once
// even when both race for it; the status compare-and-set holds across them.
#include <atomic>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/store/postgres/postgres_acme_store.h"
#include "tests/unit/support/pg_test_schema.h"

using namespace sshca;

TEST_CASE("PostgresAcmeNoncesAreSharedAndConsumedOnce", "[store][postgres]") {
  test::PgSchema schema;
  SKIP_WITHOUT_POSTGRES(schema);
  auto a = store::openPostgresAcmeStore(schema.dsn(), 4);
  auto b = store::openPostgresAcmeStore(schema.dsn(), 4);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE((*a)->addNonce("shared", 1000).ok());
  CHECK(*(*b)->consumeNonce("shared", 10) == true);  // handed out by one, spent at the other
  CHECK(*(*a)->consumeNonce("shared", 10) == false);
  CHECK(*(*a)->consumeNonce("never", 10) == false);

  // 16 nonces, each raced by both instances from 4 threads: each is consumed exactly once.
  for (int i = 0; i < 16; ++i) REQUIRE((*a)->addNonce("race" + std::to_string(i), 1000).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      store::AcmeStore& s = t % 2 == 0 ? **a : **b;
      for (int i = 0; i < 16; ++i) {
        auto r = s.consumeNonce("race" + std::to_string(i), 10);
        if (r.ok() && *r) ++wins;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(wins == 16);

  store::AcmeRow row{store::AcmeTable::Order, "o1", "acme", "acc", "acc", "ready", "", "{}", 1};
  REQUIRE((*a)->insert({row}).ok());
  row.status = "processing";
  CHECK((*a)->update(row, "ready").ok());
  CHECK_FALSE((*b)->update(row, "ready").ok());  // the other instance's finalize lost
  CHECK((*b)->find(store::AcmeTable::Order, "acme", "o1")->status == "processing");
  store::AcmeRow account{store::AcmeTable::Account, "acc", "acme", "acc", "", "valid", "thumb", "{}", 1};
  REQUIRE((*a)->insert({account}).ok());
  account.id = "acc2";
  CHECK((*b)->insert({account}).error().code == ErrorCode::AlreadyExists);  // one account per key
  CHECK(schema.count("acme_nonces") == 0);
}
