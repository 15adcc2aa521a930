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
//
// How often: the thread looks every `interval` (200 ms) but runs a pass
// only every `passInterval` (1 s), or at once when the writer's count of
// frames (WalLength) says the WAL has passed `restartFrames` since the last
// pass. Each pass ends in an fsync of the database file, whose writes the
// commits' fdatasync then waits behind; fewer, larger passes also copy a
// page rewritten many times once. On a database of about 100,000
// certificates at 1 connection p99 went from 1.58-1.91 ms to 1.24-1.74
// (nine runs each, alternating); under load the WAL reaches
// `restartFrames` within a second, so the passes come as before. Without a
// WalLength it passes at every tick.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/restart_barrier.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/wal_length.h"

namespace sshca::store {

class WalCheckpointer {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{200};
  static constexpr std::chrono::milliseconds kDefaultPassInterval{1000};
  static constexpr int kDefaultRestartFrames = 16384;  // 64 MiB of 4 KiB pages
  // The writer's journal_size_limit (sqlite_connection.cpp) is the same.
  static constexpr int64_t kDefaultSizeLimitBytes = 64 << 20;
  // Before a RESTART: passes while a pass saw more than kFewFrames come in.
  static constexpr int kCatchUpPasses = 3;
  static constexpr int kFewFrames = 256;

  // Takes its own connection to the database and starts the thread. A
  // RESTART takes its turn at `barrier` (the group commit has the other
  // side); none: it waits for the write lock as SQLite's busy handler does.
  // `walLength`: the writer's frame count, for passes every `passInterval`
  // (above); none: a pass at every tick.
  explicit WalCheckpointer(SqliteDb db, std::chrono::milliseconds interval = kDefaultInterval,
                           int restartFrames = kDefaultRestartFrames, int64_t sizeLimitBytes = kDefaultSizeLimitBytes,
                           std::shared_ptr<RestartBarrier> barrier = nullptr,
                           std::shared_ptr<const WalLength> walLength = nullptr,
                           std::chrono::milliseconds passInterval = kDefaultPassInterval);
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

  uint64_t passes() const;  // passes the thread has finished (tests)

 private:
  void run();
  bool passDue();
  Status restart(Progress last);
  Result<Progress> checkpoint(const char* pragma);
  int64_t walFileBytes() const;

  SqliteDb db_;
  const std::chrono::milliseconds interval_;
  const int restartFrames_;
  const int64_t sizeLimitBytes_;
  const std::shared_ptr<RestartBarrier> barrier_;
  const std::shared_ptr<const WalLength> walLength_;
  const std::chrono::milliseconds passInterval_;
  // The thread's own: when it last passed, and the writer's count then.
  std::chrono::steady_clock::time_point lastPass_ = std::chrono::steady_clock::now();
  int framesAtLastPass_ = -1;
  std::atomic<uint64_t> passes_{0};
  std::mutex dbMu_;  // the thread and checkpointNow() share db_
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace sshca::store
