#include "ca/service/acme/acme_validation_queue.h"

#include "ca/core/common/thread_name.h"

namespace sshca::acme {

ValidationQueue::ValidationQueue(size_t threads, size_t capacity) : capacity_(capacity) {
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] {
      nameThisThread("sshca-acme");
      work();
    });
}

ValidationQueue::~ValidationQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    jobs_.clear();
  }
  ready_.notify_all();
  for (auto& t : threads_) t.join();
}

bool ValidationQueue::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || jobs_.size() >= capacity_) return false;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void ValidationQueue::work() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

}  // namespace sshca::acme
