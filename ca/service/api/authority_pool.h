// The bounded pool that runs the authority's blocking work (HSM signature,
// and the database commit of the routes that wait for theirs) off the I/O
// threads; sign, renew and rekey on SQLite hand their commit to the
// store's writer and answer from there. Its queue is
// bounded twice, by length and by how long a job may wait to start, so that
// under overload requests are refused at once (and cheaply) instead of
// piling up behind the token.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sshca::api {

class AuthorityPool {
 public:
  // `started` is true when the job runs, false when it waited past its
  // deadline and must be refused without doing its work.
  using Job = std::function<void(bool started)>;

  AuthorityPool(size_t threads, size_t queueLength, std::chrono::milliseconds maxWait);
  ~AuthorityPool();  // stop()
  AuthorityPool(const AuthorityPool&) = delete;
  AuthorityPool& operator=(const AuthorityPool&) = delete;

  // Queues `job`; false (job dropped, never called) when the queue is full
  // or the pool stopped.
  bool submit(Job job);
  // Lets running jobs finish, drops the queued ones uncalled, joins.
  void stop();

  // Jobs waiting to start now; jobs shed since the start: refused with a
  // full queue, or started too late (run with started == false).
  size_t queued() const;
  uint64_t shed() const { return shed_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  struct Queued {
    Clock::time_point deadline;
    Job job;
  };
  void work();

  const size_t queueLength_;
  const std::chrono::milliseconds maxWait_;
  mutable std::mutex mu_;
  std::atomic<uint64_t> shed_{0};
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sshca::api
