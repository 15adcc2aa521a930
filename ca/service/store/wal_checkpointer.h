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
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/result.h"
#include "store/sqlite_handles.h"

namespace sshca::store {

class WalCheckpointer {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{200};

  // Takes its own connection to the database and starts the thread.
  explicit WalCheckpointer(SqliteDb db, std::chrono::milliseconds interval = kDefaultInterval);
  ~WalCheckpointer();  // stops the thread
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  struct Progress {
    int walFrames = 0;     // frames in the WAL
    int checkpointed = 0;  // of which now in the database file
  };
  // One PASSIVE checkpoint now, on the caller's thread (tests).
  Result<Progress> checkpointNow();

 private:
  void run();

  SqliteDb db_;
  const std::chrono::milliseconds interval_;
  std::mutex dbMu_;  // the thread and checkpointNow() share db_
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace sshca::store
