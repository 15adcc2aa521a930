// How many frames the WAL holds, as the writer last saw it: SQLite's wal
// hook reports the count after each commit. The WalCheckpointer reads it
// between passes, so that it need not run a pass to learn how long the WAL
// has grown.
#pragma once

#include <sqlite3.h>

#include <atomic>

namespace sshca::store {

class WalLength {
 public:
  // Registers the hook on `writer`, which must not outlive this object.
  // It replaces SQLite's automatic checkpoint, which uses the same hook
  // (the SSH store turns that off anyway).
  void attachTo(sqlite3* writer);

  // Frames in the WAL after the writer's last commit; 0 before the first.
  // After a RESTART it stays at the old count until the next commit.
  int frames() const { return frames_.load(std::memory_order_relaxed); }

 private:
  static int onCommit(void* self, sqlite3* db, const char* schema, int frames);

  std::atomic<int> frames_{0};
};

}  // namespace sshca::store
