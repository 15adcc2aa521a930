// Group commit: durability without one fsync per request.
//
// A certificate must be committed (fsync of the WAL, synchronous=FULL)
// before it is handed out, and one fsync costs milliseconds. So callers
// queue writes, and whoever commits runs everything queued in ONE
// transaction and ONE commit. Each write runs inside its own SAVEPOINT, so
// a write that fails (a taken serial, a replayed token) is rolled back
// alone and the others of its batch still commit. A caller learns its
// result only after the COMMIT.
//
// Who commits: the writer thread, which takes everything queued as one
// batch; but a write that finds nothing queued and no commit running,
// after kQuietCommitsBeforeInline commits in a row that nothing queued
// behind, commits itself on its caller's thread. With one request at a
// time there is no batch to gather, and the hand-over to the writer thread
// and back cost a thread wake-up each way (5-8% of the certificates/s at
// one connection). As soon as writes queue behind a commit the writer
// thread takes over again: a caller that committed alone under load would
// commit a batch of one and the writes queued behind it another (5-7%
// fewer certificates/s at 8 connections when one quiet commit was
// enough). One commit runs at a time either way, on the one connection.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/restart_barrier.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_statement_cache.h"

namespace sshca::store {

struct GroupCommitStats {
  uint64_t writes = 0;        // writes run (succeeded or failed on their own)
  uint64_t commits = 0;       // batches committed: writes / commits is the sharing
  uint64_t largestBatch = 0;  // most writes that shared one commit
  uint64_t commitMicros = 0;  // time from BEGIN to COMMIT's return, summed over the committed batches
};

class GroupCommitter {
 public:
  // Runs inside the batch's transaction (and its own savepoint): do SQL on
  // `db`, never BEGIN/COMMIT. An error rolls back this write only.
  // `db` carries the writer's statement cache.
  using Write = std::function<Status(SqliteConn db)>;
  // Called on the thread that committed (the writer thread, or the caller
  // of submit() that committed its own write) once the write's fate is
  // durable. Keep it short and never wait on the committer from it
  // (write() there would wait for itself); queueing another write with
  // submit() is safe: it waits for the writer thread.
  using Done = std::function<void(const Status&)>;

  // Caps the latency one batch adds to its first writer.
  static constexpr size_t kDefaultMaxBatch = 512;

  // Takes the connection (migrated, WAL, synchronous=FULL) and starts the
  // writer thread. Each batch takes its turn at `barrier` (the store's
  // WalCheckpointer has the other side); none: batches never wait.
  explicit GroupCommitter(SqliteDb db, size_t maxBatch = kDefaultMaxBatch,
                          std::shared_ptr<RestartBarrier> barrier = nullptr);
  ~GroupCommitter();  // shutdown()
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues the write and blocks until its batch has committed (or failed).
  Status write(Write write);
  // Queues the write, or commits it at once on this thread when nothing is
  // queued and no commit runs; `done` gets its result. Unavailable (at
  // once, on this thread) after shutdown.
  void submit(Write write, Done done);

  // Runs every write already queued, then stops the thread. Idempotent.
  void shutdown();

  GroupCommitStats stats() const;

 private:
  struct Pending {
    Write write;
    Done done;
    Status result;
  };

  void run();
  std::vector<Pending> takeBatch();
  std::vector<Pending> takeQueued();  // under mu_, committing_ set by the caller
  void commitAndAnswer(std::vector<Pending>& batch);
  void commitBatch(std::vector<Pending>& batch);
  Status runOne(Pending& pending);
  void recordBatch(size_t size, bool committed, uint64_t micros);

  SqliteDb db_;                                 // only whoever set committing_ touches it
  SqliteStatementCache statements_{db_.get()};  // dies before db_ closes
  const size_t maxBatch_;
  const std::shared_ptr<RestartBarrier> barrier_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool committing_ = false;  // a batch is being committed (by the thread or by a caller)
  static constexpr int kQuietCommitsBeforeInline = 8;
  int quietCommits_ = kQuietCommitsBeforeInline;  // commits in a row that nothing queued behind
  bool stopping_ = false;
  GroupCommitStats stats_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace sshca::store
