#include "ca/service/store/sqlite/restart_barrier.h"

namespace sshca::store {

RestartBarrier::Batch::Batch(RestartBarrier* barrier) : barrier_(barrier) {
  if (!barrier_) return;
  std::unique_lock lock(barrier_->mu_);
  barrier_->changed_.wait(lock, [this] { return !barrier_->held_; });
  barrier_->inBatch_ = true;
}

RestartBarrier::Batch::~Batch() {
  if (!barrier_) return;
  std::lock_guard lock(barrier_->mu_);
  barrier_->inBatch_ = false;
  barrier_->changed_.notify_all();
}

RestartBarrier::Hold::Hold(RestartBarrier* barrier) : barrier_(barrier) {
  if (!barrier_) return;
  std::unique_lock lock(barrier_->mu_);
  barrier_->held_ = true;
  barrier_->changed_.wait(lock, [this] { return !barrier_->inBatch_; });
}

RestartBarrier::Hold::~Hold() {
  if (!barrier_) return;
  std::lock_guard lock(barrier_->mu_);
  barrier_->held_ = false;
  barrier_->changed_.notify_all();
}

}  // namespace sshca::store
