// Copies the WAL back into the database file from a thread of its own.
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL
// past 1000 pages: that commit, and every request waiting in its batch,
// then also waits for the page copies and an fsync of the database file.
// Under load that was the slowest 1% of `sshca serve`'s answers. A PASSIVE
// checkpoint on another connection never blocks the writer, so the SSH
// store turns the writer's automatic checkpoint off and runs this instead.
// Durability does not depend on it: a commit is durable once the WAL is
// fsynced.
//
// Under steady load a PASSIVE checkpoint never catches up with the writer,
// and SQLite starts the WAL over only when a write begins with everything
// copied: the WAL would grow without end. So once it holds more than
// `restartFrames`, a RESTART checkpoint briefly holds the writer back and
// the WAL starts over. That pause comes every `restartFrames` pages, not
// every 1000, and is kept short: first more PASSIVE passes, until few
// pages came in during the last one (at most kCatchUpPasses), then the
// RESTART takes its turn at the write lock from the group commit
// (restart_barrier.h) and has only those pages to copy.
//
// SQLite reuses the WAL file instead of shrinking it; the writer's
// journal_size_limit cuts it back to `sizeLimitBytes` at the first commit
// after the log starts over. A WAL a crash left larger than that (a kill
// during a long batch, crash rounds) would keep its size while the CA is
// idle, so the thread's first pass, at start-up before any load, copies it
// all and truncates the file (a TRUNCATE checkpoint) when it is over the
// limit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/restart_barrier.h"
#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

class WalCheckpointer {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{200};
  static constexpr int kDefaultRestartFrames = 16384;  // 64 MiB of 4 KiB pages
  // The writer's journal_size_limit (sqlite_connection.cpp) is the same.
  static constexpr int64_t kDefaultSizeLimitBytes = 64 << 20;
  // Before a RESTART: passes while a pass saw more than kFewFrames come in.
  static constexpr int kCatchUpPasses = 3;
  static constexpr int kFewFrames = 256;

  // Takes its own connection to the database and starts the thread. A
  // RESTART takes its turn at `barrier` (the group commit has the other
  // side); none: it waits for the write lock as SQLite's busy handler does.
  explicit WalCheckpointer(SqliteDb db, std::chrono::milliseconds interval = kDefaultInterval,
                           int restartFrames = kDefaultRestartFrames, int64_t sizeLimitBytes = kDefaultSizeLimitBytes,
                           std::shared_ptr<RestartBarrier> barrier = nullptr);
  ~WalCheckpointer();  // stops the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  struct Progress {
    int walFrames = 0;     // frames in the WAL
    int checkpointed = 0;  // of which now in the database file
    bool busy = false;     // a RESTART or TRUNCATE could not finish (readers, the writer)
  };
  // One pass now, on the caller's thread (tests): PASSIVE, then (the WAL
  // over the limit) the catch-up passes and the RESTART. The first PASSIVE
  // pass's progress.
  Result<Progress> checkpointNow();
  // The start-up pass: a TRUNCATE checkpoint if the WAL file is larger
  // than sizeLimitBytes. True once the file is within the limit (false:
  // the checkpoint was busy; the thread tries again at the next tick).
  Result<bool> truncateIfGrown();

 private:
  void run();
  Status restart(Progress last);
  Result<Progress> checkpoint(const char* pragma);
  int64_t walFileBytes() const;

  SqliteDb db_;
  const std::chrono::milliseconds interval_;
  const int restartFrames_;
  const int64_t sizeLimitBytes_;
  const std::shared_ptr<RestartBarrier> barrier_;
  std::mutex dbMu_;  // the thread and checkpointNow() share db_
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace sshca::store
