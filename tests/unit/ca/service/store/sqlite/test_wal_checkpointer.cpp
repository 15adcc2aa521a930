// The WAL checkpointer: with the writer's automatic checkpoint off, it
// copies committed pages into the database file, on demand and from its
// own thread, while the data stays readable throughout.
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/wal_checkpointer.h"
#include "ca/service/store/sqlite/wal_length.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::WalCheckpointer;

namespace {

uintmax_t fileSize(const std::string& path) { return std::filesystem::file_size(path); }

// A database whose writer has its automatic checkpoint off and 200 rows of
// 1 KiB in the WAL, and a checkpointer for it.
struct WalWithRows {
  test::TempDir dir;
  std::string path = dir.file("ca.db");
  store::SqliteDb writer = writerWithRows(path, 200);
  uintmax_t sizeBefore = fileSize(path);

  std::unique_ptr<WalCheckpointer> checkpointer(std::chrono::milliseconds interval,
                                                int restartFrames = WalCheckpointer::kDefaultRestartFrames) {
    auto conn = store::openCheckpointConnection(path);
    REQUIRE(conn.ok());
    return std::make_unique<WalCheckpointer>(std::move(conn).value(), interval, restartFrames);
  }

  void insertRow() {
    REQUIRE(sqlite3_exec(writer.get(), "INSERT INTO t (v) VALUES (randomblob(1024))", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
  }

 private:
  static store::SqliteDb writerWithRows(const std::string& path, int rows) {
    auto db = store::openWriterConnection(path);
    REQUIRE(db.ok());
    sqlite3_wal_autocheckpoint(db->get(), 0);
    REQUIRE(sqlite3_exec(db->get(), "CREATE TABLE t (v BLOB)", nullptr, nullptr, nullptr) == SQLITE_OK);
    for (int i = 0; i < rows; ++i)
      REQUIRE(sqlite3_exec(db->get(), "INSERT INTO t (v) VALUES (randomblob(1024))", nullptr, nullptr, nullptr) ==
              SQLITE_OK);
    return std::move(db).value();
  }
};

}  // namespace

TEST_CASE("WalCheckpointerCopiesTheWholeWalOnDemand", "[store]") {
  WalWithRows wal;
  auto progress = wal.checkpointer(std::chrono::hours(1))->checkpointNow();
  REQUIRE(progress.ok());
  CHECK(progress->walFrames > 0);
  CHECK(progress->checkpointed == progress->walFrames);
  CHECK(fileSize(wal.path) > wal.sizeBefore + 100 * 1024);
}

TEST_CASE("WalCheckpointerRunsFromItsOwnThread", "[store]") {
  WalWithRows wal;
  auto checkpointer = wal.checkpointer(std::chrono::milliseconds(10));
  // No timing assertion: wait (up to a minute on a slow machine) for the
  // thread's checkpoint to reach the database file.
  for (int i = 0; i < 6000 && fileSize(wal.path) <= wal.sizeBefore + 100 * 1024; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(fileSize(wal.path) > wal.sizeBefore + 100 * 1024);
  auto reader = store::openReaderConnection(wal.path);
  REQUIRE(reader.ok());
  auto stmt = store::SqliteStatement::prepare(reader->get(), "SELECT count(*) FROM t");
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->step());
  CHECK(stmt->integer(0) == 200);
}

TEST_CASE("WalCheckpointerStartsALongWalOver", "[store]") {
  WalWithRows wal;
  auto checkpointer = wal.checkpointer(std::chrono::hours(1), 100);
  auto first = checkpointer->checkpointNow();
  REQUIRE(first.ok());
  REQUIRE(first->walFrames > 100);
  // After the RESTART the next write begins the WAL again from frame 1.
  wal.insertRow();
  auto second = checkpointer->checkpointNow();
  REQUIRE(second.ok());
  CHECK(second->walFrames < 10);
}

// A WAL a crash left larger than the limit is copied and the file cut to
// nothing at start-up, without waiting for a write; the rows stay.
TEST_CASE("WalCheckpointerTruncatesAGrownWalAtStartUp", "[store]") {
  WalWithRows wal;
  const std::string walPath = wal.path + "-wal";
  REQUIRE(fileSize(walPath) > 100 * 1024);
  auto conn = store::openCheckpointConnection(wal.path);
  REQUIRE(conn.ok());
  WalCheckpointer checkpointer(std::move(conn).value(), std::chrono::hours(1), 100000, 64 * 1024);
  auto done = checkpointer.truncateIfGrown();
  REQUIRE(done.ok());
  CHECK(*done);
  CHECK(fileSize(walPath) == 0);
  wal.insertRow();
  auto reader = store::openReaderConnection(wal.path);
  REQUIRE(reader.ok());
  auto stmt = store::SqliteStatement::prepare(reader->get(), "SELECT count(*) FROM t");
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->step());
  CHECK(stmt->integer(0) == 201);
}

TEST_CASE("WalCheckpointerLeavesAWalWithinTheLimitAlone", "[store]") {
  WalWithRows wal;
  const std::string walPath = wal.path + "-wal";
  auto before = fileSize(walPath);
  auto conn = store::openCheckpointConnection(wal.path);
  REQUIRE(conn.ok());
  WalCheckpointer checkpointer(std::move(conn).value(), std::chrono::hours(1));
  auto done = checkpointer.truncateIfGrown();
  REQUIRE(done.ok());
  CHECK(*done);
  CHECK(fileSize(walPath) == before);
}

// A reader still on the WAL keeps the start-up truncation from finishing:
// the pass says so (false, not an error), and the thread tries again at
// its next ticks until the reader is gone and the file is cut.
TEST_CASE("WalCheckpointerRetriesTheTruncationAReaderHeldUp", "[store]") {
  WalWithRows wal;
  const std::string walPath = wal.path + "-wal";
  auto reader = store::openReaderConnection(wal.path);
  REQUIRE(reader.ok());
  REQUIRE(sqlite3_exec(reader->get(), "BEGIN; SELECT count(*) FROM t;", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto conn = store::openCheckpointConnection(wal.path);
  REQUIRE(conn.ok());
  sqlite3_busy_timeout(conn->get(), 10);  // give up on the reader at once, not after the usual 10 s
  WalCheckpointer checkpointer(std::move(conn).value(), std::chrono::milliseconds(10), 100000, 64 * 1024);
  auto held = checkpointer.truncateIfGrown();
  REQUIRE(held.ok());
  CHECK_FALSE(*held);
  CHECK(fileSize(walPath) > 64 * 1024);
  REQUIRE(sqlite3_exec(reader->get(), "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  // No timing assertion: wait (up to a minute) for the thread's retry.
  for (int i = 0; i < 6000 && fileSize(walPath) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(fileSize(walPath) == 0);
}

namespace {

// A checkpointer that knows the writer's frame count, ticking every 5 ms
// with an hour between its regular passes: any pass it runs is one the
// WAL's length asked for.
std::unique_ptr<WalCheckpointer> countingCheckpointer(WalWithRows& wal, std::shared_ptr<store::WalLength> length,
                                                      int restartFrames) {
  auto conn = store::openCheckpointConnection(wal.path);
  REQUIRE(conn.ok());
  return std::make_unique<WalCheckpointer>(std::move(conn).value(), std::chrono::milliseconds(5), restartFrames,
                                           WalCheckpointer::kDefaultSizeLimitBytes, nullptr, std::move(length),
                                           std::chrono::hours(1));
}

}  // namespace

TEST_CASE("WalCheckpointerWaitsOutThePassIntervalWhileTheWalIsShort", "[store]") {
  WalWithRows wal;
  auto length = std::make_shared<store::WalLength>();
  length->attachTo(wal.writer.get());
  wal.insertRow();
  REQUIRE(length->frames() > 200);
  auto checkpointer = countingCheckpointer(wal, length, WalCheckpointer::kDefaultRestartFrames);
  // Forty ticks or more; a slow machine only makes them fewer.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(checkpointer->passes() == 0);
  CHECK(fileSize(wal.path) <= wal.sizeBefore);
}

TEST_CASE("WalCheckpointerPassesAtOnceWhenTheWalOutgrowsTheRestartBound", "[store]") {
  WalWithRows wal;
  auto length = std::make_shared<store::WalLength>();
  length->attachTo(wal.writer.get());
  auto checkpointer = countingCheckpointer(wal, length, 100);
  wal.insertRow();  // the writer now counts 200+ frames
  // No timing assertion: wait (up to a minute) for the pass.
  for (int i = 0; i < 6000 && checkpointer->passes() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(checkpointer->passes() == 1);
  CHECK(fileSize(wal.path) > wal.sizeBefore + 100 * 1024);
  // The count stays past the bound until the next commit, which starts
  // the WAL over (the pass ended in a RESTART): no pass for either.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(checkpointer->passes() == 1);
  wal.insertRow();
  CHECK(length->frames() < 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(checkpointer->passes() == 1);
}
