#include "ca/service/api/authority_pool.h"

namespace sshca::api {

AuthorityPool::AuthorityPool(size_t threads, size_t queueLength, std::chrono::milliseconds maxWait)
    : queueLength_(queueLength > 0 ? queueLength : 1), maxWait_(maxWait) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

AuthorityPool::~AuthorityPool() { stop(); }

bool AuthorityPool::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= queueLength_) return false;
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
    next.job(Clock::now() <= next.deadline);
  }
}

}  // namespace sshca::api
