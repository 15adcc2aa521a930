// A few threads of its own for challenge validations, so that a slow or
// silent client's server (each check may take its whole deadline) holds
// neither the I/O threads nor the authority's pool. Bounded: a full queue
// refuses the job (the challenge stays pending and may be retried).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sshca::acme {

class ValidationQueue {
 public:
  ValidationQueue(size_t threads, size_t capacity);
  ~ValidationQueue();  // finishes the jobs in hand, drops the queued ones
  ValidationQueue(const ValidationQueue&) = delete;
  ValidationQueue& operator=(const ValidationQueue&) = delete;

  // false when the queue is full or stopping.
  bool submit(std::function<void()> job);

 private:
  void work();

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace sshca::acme
