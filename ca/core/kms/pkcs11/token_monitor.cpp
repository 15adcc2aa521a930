#include "ca/core/kms/pkcs11/token_monitor.h"

#include "ca/core/common/thread_name.h"

namespace sshca::pkcs11 {

void TokenMonitor::ensureThreadLocked() {
  if (!thread_.joinable() && !stopping_)
    thread_ = std::thread([this] {
      nameThisThread("sshca-token");
      run();
    });
}

void TokenMonitor::startReconnecting() {
  std::lock_guard lock(mu_);
  if (reconnecting_ || stopping_) return;
  reconnecting_ = true;
  lastProbe_.reset();  // it described the token before it went away
  nextAttempt_ = Clock::now() + backoff_.next();
  ensureThreadLocked();
  cv_.notify_all();
}

std::optional<Status> TokenMonitor::probe(std::chrono::milliseconds budget) {
  std::unique_lock lock(mu_);
  if (stopping_) return std::nullopt;
  if (lastProbe_ && !probeRunning_ && Clock::now() - lastProbeAt_ < kProbeReuse) return lastProbe_;
  uint64_t seen = probesDone_;
  probeWanted_ = true;
  ensureThreadLocked();
  cv_.notify_all();
  // A probe already running counts: its result is as fresh as a new one.
  if (!cv_.wait_for(lock, budget, [&] { return probesDone_ != seen || stopping_; })) return std::nullopt;
  return lastProbe_;
}

void TokenMonitor::stop() {
  std::thread t;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    t = std::move(thread_);
    cv_.notify_all();
  }
  if (t.joinable()) t.join();
}

void TokenMonitor::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (probeWanted_) {
      probeWanted_ = false;
      probeRunning_ = true;
      lock.unlock();
      Status result = hooks_.probe();
      lock.lock();
      probeRunning_ = false;
      lastProbe_ = std::move(result);
      lastProbeAt_ = Clock::now();
      ++probesDone_;
      cv_.notify_all();
      continue;
    }
    if (reconnecting_ && Clock::now() >= nextAttempt_) {
      lock.unlock();
      bool done = hooks_.reconnect();
      lock.lock();
      if (done) {
        reconnecting_ = false;
        backoff_.reset();
        lastProbe_.reset();  // the token changed: the next probe is a fresh one
      } else {
        nextAttempt_ = Clock::now() + backoff_.next();
      }
      continue;
    }
    if (reconnecting_)
      cv_.wait_until(lock, nextAttempt_);
    else
      cv_.wait(lock);
  }
}

}  // namespace sshca::pkcs11
