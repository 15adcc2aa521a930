// Group commit: many writers share one fsynced COMMIT, each write's own
// failure stays its own, and shutdown loses nothing queued.
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/group_commit.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::GroupCommitter;

namespace {

using test::TempDir;

int64_t scalar(const std::string& path, const char* sql) {
  auto db = store::openReaderConnection(path);
  REQUIRE(db.ok());
  auto stmt = store::SqliteStatement::prepare(db->get(), sql);
  REQUIRE(stmt.ok());
  REQUIRE(*stmt->step());
  return stmt->integer(0);
}

GroupCommitter::Write insertValue(int64_t v) {
  return [v](store::SqliteConn db) -> Status {
    SSHCA_ASSIGN_OR_RETURN(auto stmt, store::SqliteStatement::prepare(db, "INSERT INTO t (v) VALUES (?)"));
    stmt.bind(1, v);
    return stmt.run();
  };
}

std::unique_ptr<GroupCommitter> committerWithTable(const std::string& path) {
  auto db = store::openWriterConnection(path);
  REQUIRE(db.ok());
  auto committer = std::make_unique<GroupCommitter>(std::move(db).value());
  REQUIRE(committer
              ->write([](sqlite3* conn) -> Status {
                SSHCA_ASSIGN_OR_RETURN(auto stmt,
                                       store::SqliteStatement::prepare(conn, "CREATE TABLE t (v INTEGER PRIMARY KEY)"));
                return stmt.run();
              })
              .ok());
  return committer;
}

// Occupies the committer until released, so that what is submitted
// meanwhile lands in one batch. Submitted with nothing queued, the gate's
// write commits on its submitter's thread: occupy() gives it a thread of
// its own.
struct Gate {
  std::atomic<bool> entered{false};
  std::atomic<bool> open{false};
  std::thread holder;
  GroupCommitter::Write write() {
    return [this](sqlite3*) -> Status {
      entered = true;
      while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return okStatus();
    };
  }
  void waitEntered() const {
    while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void occupy(GroupCommitter& committer) {
    holder = std::thread([this, &committer] { committer.submit(write(), [](const Status&) {}); });
    waitEntered();
  }
  ~Gate() {
    open = true;
    if (holder.joinable()) holder.join();
  }
};

store::SshCertificateRecord record(uint64_t serial, int thread) {
  store::SshCertificateRecord r;
  r.serial = serial;
  r.caFingerprint = "SHA256:ca";
  r.certType = "user";
  r.keyId = "user" + std::to_string(thread);
  r.principals = {"user" + std::to_string(thread)};
  r.validAfter = 1700000000;
  r.validBefore = 1700057600;
  r.keyFingerprint = "SHA256:key";
  r.provisioner = "oidc";
  r.subject = r.keyId;
  r.certificate = Bytes(300, static_cast<uint8_t>(thread));
  r.issuedAt = 1700000000;
  return r;
}

}  // namespace

TEST_CASE("GroupCommitSharesCommitsAcrossThreads", "[store]") {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  TempDir dir;
  std::string path = dir.file("ca.db");
  auto opened = store::SqliteSshStore::open(path);
  REQUIRE(opened.ok());
  auto db = std::move(opened).value();
  std::atomic<int> failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        if (!db->insert(record(static_cast<uint64_t>(t) * kPerThread + i + 1, t)).ok()) ++failures;
    });
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store::GroupCommitStats stats = db->commitStats();
  std::printf("group commit: %llu writes in %llu commits (%.1f writes/commit, largest batch %llu), %.0f inserts/s\n",
              static_cast<unsigned long long>(stats.writes), static_cast<unsigned long long>(stats.commits),
              static_cast<double>(stats.writes) / static_cast<double>(stats.commits),
              static_cast<unsigned long long>(stats.largestBatch), kThreads * kPerThread / seconds);
  CHECK(failures == 0);
  CHECK(stats.writes == kThreads * kPerThread);
  CHECK(stats.largestBatch > 1);
  CHECK(stats.commits < stats.writes);
  db.reset();
  CHECK(scalar(path, "SELECT COUNT(*) FROM ssh_certificates") == kThreads * kPerThread);
  CHECK(scalar(path, "SELECT COUNT(*) FROM ssh_certificate_principals") == kThreads * kPerThread);
}

TEST_CASE("FailingWriteInABatchDoesNotLoseTheOthers", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  auto committer = committerWithTable(path);
  Gate gate;
  gate.occupy(*committer);

  std::vector<GroupCommitter::Write> writes = {
      insertValue(1), insertValue(2), insertValue(1) /* duplicate */, insertValue(3),
      [](store::SqliteConn db) -> Status {  // writes a row, then fails: its row must go too
        SSHCA_RETURN_IF_ERROR(insertValue(4)(db));
        return makeError(ErrorCode::PermissionDenied, "refused after writing");
      }};
  std::vector<Status> results(writes.size(), okStatus());
  std::atomic<int> done{0};
  for (size_t i = 0; i < writes.size(); ++i)
    committer->submit(writes[i], [&, i](const Status& s) {
      results[i] = s;
      ++done;
    });
  gate.open = true;
  while (done < static_cast<int>(writes.size())) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  CHECK(results[0].ok());
  CHECK(results[1].ok());
  REQUIRE_FALSE(results[2].ok());
  CHECK(results[2].error().code == ErrorCode::AlreadyExists);
  CHECK(results[3].ok());
  REQUIRE_FALSE(results[4].ok());
  CHECK(results[4].error().code == ErrorCode::PermissionDenied);
  CHECK(committer->stats().largestBatch == writes.size());  // they really shared one transaction
  committer.reset();
  CHECK(scalar(path, "SELECT COUNT(*) FROM t") == 3);
  CHECK(scalar(path, "SELECT SUM(v) FROM t") == 6);
}

TEST_CASE("ShutdownDrainsPendingWrites", "[store]") {
  constexpr int kWrites = 100;
  TempDir dir;
  std::string path = dir.file("ca.db");
  auto committer = committerWithTable(path);
  Gate gate;
  gate.occupy(*committer);
  std::atomic<int> ok{0};
  for (int i = 0; i < kWrites; ++i) committer->submit(insertValue(i), [&](const Status& s) { ok += s.ok() ? 1 : 0; });
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gate.open = true;
  });
  committer->shutdown();
  opener.join();
  CHECK(ok == kWrites);
  Status late = committer->write(insertValue(1000));
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::Unavailable);
  committer.reset();
  CHECK(scalar(path, "SELECT COUNT(*) FROM t") == kWrites);
}

// With nothing queued and no commit running, a write commits on its
// caller's thread: no hand-over to the writer thread and back.
TEST_CASE("LoneWriteCommitsOnItsCallersThread", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  auto committer = committerWithTable(path);
  std::thread::id answeredOn;
  bool answered = false;
  committer->submit(insertValue(7), [&](const Status& s) {
    CHECK(s.ok());
    answeredOn = std::this_thread::get_id();
    answered = true;
  });
  REQUIRE(answered);  // before submit returned
  CHECK(answeredOn == std::this_thread::get_id());
  CHECK(scalar(path, "SELECT COUNT(*) FROM t") == 1);  // durable, seen by another connection
}

// What queues while a caller commits is the writer thread's, as one batch,
// and so is a write queued from an answer (a serial retry): it must
// neither wait for itself nor commit inside the batch that answered it.
TEST_CASE("WritesQueuedDuringACallersCommitGoToTheWriterThread", "[store]") {
  TempDir dir;
  std::string path = dir.file("ca.db");
  auto committer = committerWithTable(path);
  Gate gate;
  gate.occupy(*committer);
  std::atomic<int> done{0};
  std::vector<std::thread::id> answeredOn(3);
  for (int i = 0; i < 2; ++i)
    committer->submit(insertValue(i + 1), [&, i](const Status& s) {
      CHECK(s.ok());
      answeredOn[i] = std::this_thread::get_id();
      if (i == 0)
        committer->submit(insertValue(10), [&](const Status& retried) {
          CHECK(retried.ok());
          answeredOn[2] = std::this_thread::get_id();
          ++done;
        });
      ++done;
    });
  gate.open = true;
  while (done < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK(answeredOn[0] == answeredOn[1]);
  CHECK(answeredOn[0] != std::this_thread::get_id());
  CHECK(answeredOn[0] != gate.holder.get_id());
  CHECK(committer->stats().largestBatch == 2);
  // Writes queued behind a commit a moment ago: a lone write now is the
  // writer thread's too, until commits have been quiet for a while.
  std::thread::id loneOn;
  REQUIRE(committer
              ->write([&](store::SqliteConn) -> Status {
                loneOn = std::this_thread::get_id();
                return okStatus();
              })
              .ok());
  CHECK(loneOn == answeredOn[0]);
  committer.reset();
  CHECK(scalar(path, "SELECT SUM(v) FROM t") == 13);
}
