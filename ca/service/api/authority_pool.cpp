#include "ca/service/api/authority_pool.h"

#include "ca/core/common/thread_name.h"

namespace sshca::api {

AuthorityPool::AuthorityPool(size_t threads, size_t queueLength, std::chrono::milliseconds maxWait)
    : queueLength_(queueLength > 0 ? queueLength : 1), maxWait_(maxWait) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] {
      nameThisThread("sshca-sign");
      work();
    });
}

AuthorityPool::~AuthorityPool() { stop(); }

bool AuthorityPool::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    if (queue_.size() >= queueLength_) {
      shed_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back({Clock::now() + maxWait_, std::move(job)});
  }
  cv_.notify_one();
  return true;
}

void AuthorityPool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    queue_.clear();  // never started: nothing spent, nothing recorded
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void AuthorityPool::work() {
  for (;;) {
    Queued next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    const bool started = Clock::now() <= next.deadline;
    if (!started) shed_.fetch_add(1, std::memory_order_relaxed);
    next.job(started);
  }
}

size_t AuthorityPool::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

}  // namespace sshca::api
