// Turns at the database's one write lock between the group commit and the
// WAL's RESTART checkpoint.
//
// A RESTART holds SQLite's write lock while it copies the pages written
// since the last pass, fsyncs the database file and starts the WAL over.
// Left to SQLite's busy handler it asked for that lock at 1, 2, 5, 10, ...
// ms while the group commit, batch after batch, held it nearly always: it
// waited up to seconds, no pass ran meanwhile, and it then copied the
// pages of that whole wait while every commit waited for it (78-146 ms at
// 64 connections on a database of 460,000 certificates, the slowest 1% of
// answers). With a turn, the batch that runs finishes, the next one waits,
// and the RESTART finds the lock free at once.
#pragma once

#include <condition_variable>
#include <mutex>

namespace sshca::store {

class RestartBarrier {
 public:
  // The committer, for the span of one batch (BEGIN to COMMIT): waits
  // while a RESTART has its turn.
  class Batch {
   public:
    explicit Batch(RestartBarrier* barrier);  // nullptr: no barrier, no wait
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

   private:
    RestartBarrier* barrier_;
  };

  // The checkpointer, for the span of its RESTART: waits for the batch
  // that runs to end and holds the next ones back.
  class Hold {
   public:
    explicit Hold(RestartBarrier* barrier);  // nullptr: no barrier, no wait
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    RestartBarrier* barrier_;
  };

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool inBatch_ = false;
  bool held_ = false;
};

}  // namespace sshca::store
