// The handlers the server has called that have not replied yet. A deferred
// reply (a signature waiting for its commit, answered from the database's
// thread) posts to the I/O context, so the server waits for the last one
// before it tears that context down.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace sshca::api {

class OutstandingReplies {
 public:
  void add() {
    std::lock_guard lock(mu_);
    ++count_;
  }
  // Notifies under the lock: a waiter cannot return (and let this object
  // die) before the call is done with it.
  void done() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) none_.notify_all();
  }
  // Every store write completes (committed or failed), so this ends.
  void waitForNone() {
    std::unique_lock lock(mu_);
    none_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable none_;
  size_t count_ = 0;
};

}  // namespace sshca::api
