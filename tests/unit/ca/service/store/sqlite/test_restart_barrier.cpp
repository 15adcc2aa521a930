// Turns at the write lock between the group commit and the WAL's RESTART:
// a batch waits while a RESTART holds, a RESTART waits for the batch that
// runs, and a RESTART under continuous commits still starts the WAL over.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/group_commit.h"
#include "ca/service/store/sqlite/restart_barrier.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/wal_checkpointer.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::RestartBarrier;

namespace {

void waitFor(const std::atomic<bool>& flag) {
  while (!flag) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// The WAL's length in frames, as a PASSIVE pass reports it. The pass also
// copies them, so that a write after it may start the WAL over by itself:
// call it only where that cannot change what is asserted.
int walFrames(const std::string& path) {
  auto conn = store::openCheckpointConnection(path);
  REQUIRE(conn.ok());
  auto stmt = store::SqliteStatement::prepare(conn->get(), "PRAGMA wal_checkpoint(PASSIVE)");
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->step());
  return static_cast<int>(stmt->integer(1));
}

}  // namespace

TEST_CASE("RestartBarrierBatchWaitsWhileARestartHolds", "[store]") {
  RestartBarrier barrier;
  std::atomic<bool> batchRan{false};
  std::thread committer;
  {
    RestartBarrier::Hold hold(&barrier);
    committer = std::thread([&] {
      RestartBarrier::Batch batch(&barrier);
      batchRan = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(batchRan);  // held back, however long we look
  }
  committer.join();
  CHECK(batchRan);
}

TEST_CASE("RestartBarrierHoldWaitsForTheBatchThatRuns", "[store]") {
  RestartBarrier barrier;
  std::atomic<bool> held{false};
  std::thread checkpointer;
  {
    RestartBarrier::Batch batch(&barrier);
    checkpointer = std::thread([&] {
      RestartBarrier::Hold hold(&barrier);
      held = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(held);
  }
  checkpointer.join();
  CHECK(held);
  RestartBarrier::Batch none(nullptr);  // no barrier: nothing to wait for
  RestartBarrier::Hold noHold(nullptr);
}

// Commits one after the other, as under load: SQLite's busy handler alone
// rarely found the write lock free for the RESTART; its turn finds it.
TEST_CASE("RestartUnderContinuousCommitsStartsTheWalOver", "[store]") {
  test::TempDir dir;
  const std::string path = dir.file("ca.db");
  auto barrier = std::make_shared<RestartBarrier>();
  auto writer = store::openWriterConnection(path);
  REQUIRE(writer.ok());
  sqlite3_wal_autocheckpoint(writer->get(), 0);
  store::GroupCommitter committer(std::move(writer).value(), store::GroupCommitter::kDefaultMaxBatch, barrier);
  auto insert = [](store::SqliteConn db) -> Status {
    SSHCA_ASSIGN_OR_RETURN(auto stmt,
                           store::SqliteStatement::prepare(db, "INSERT INTO t (v) VALUES (randomblob(1024))"));
    return stmt.run();
  };
  REQUIRE(committer
              .write([](store::SqliteConn db) -> Status {
                SSHCA_ASSIGN_OR_RETURN(auto stmt, store::SqliteStatement::prepare(db, "CREATE TABLE t (v BLOB)"));
                return stmt.run();
              })
              .ok());
  for (int i = 0; i < 200; ++i) REQUIRE(committer.write(insert).ok());  // 200+ frames, none copied yet

  std::atomic<bool> stop{false};
  std::atomic<bool> writing{false};
  std::thread load([&] {
    while (!stop) {
      CHECK(committer.write(insert).ok());
      writing = true;
    }
  });
  waitFor(writing);
  auto conn = store::openCheckpointConnection(path);
  REQUIRE(conn.ok());
  store::WalCheckpointer checkpointer(std::move(conn).value(), std::chrono::hours(1), 100,
                                      store::WalCheckpointer::kDefaultSizeLimitBytes, barrier);
  auto pass = checkpointer.checkpointNow();
  stop = true;
  load.join();
  REQUIRE(pass.ok());
  REQUIRE(pass->walFrames > 200);
  CHECK(walFrames(path) < pass->walFrames / 2);  // started over: only what came after the RESTART
}
