// A token's background thread: while the token is away it tries to find it
// again (ReconnectBackoff between attempts), and it runs the health probes,
// so that neither a request nor /health ever waits on a token that does
// not answer. Started on first need: a short-lived CLI command that never
// loses its token never starts it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "ca/core/common/result.h"
#include "ca/core/kms/pkcs11/reconnect_backoff.h"

namespace sshca::pkcs11 {

class TokenMonitor {
 public:
  struct Hooks {
    // One attempt to reconnect. True when there is nothing more to do
    // (connected, or refused for good); false: try again after a backoff.
    std::function<bool()> reconnect;
    // A cheap check of the token (no signature).
    std::function<Status()> probe;
  };
  using Clock = std::chrono::steady_clock;

  explicit TokenMonitor(Hooks hooks) : hooks_(std::move(hooks)) {}
  ~TokenMonitor() { stop(); }
  TokenMonitor(const TokenMonitor&) = delete;
  TokenMonitor& operator=(const TokenMonitor&) = delete;

  // Starts reconnect attempts (the first after the backoff's first wait),
  // unless they are already running.
  void startReconnecting();

  // The result of a probe that finished within `budget`, or of one that
  // finished less than kProbeReuse ago; nullopt when the token did not
  // answer in time (the probe goes on, and its result serves the next call).
  std::optional<Status> probe(std::chrono::milliseconds budget);
  static constexpr std::chrono::milliseconds kProbeReuse{1000};

  // Ends the thread (waiting for an attempt or probe in progress); before
  // the owner's state that the hooks use goes away.
  void stop();

 private:
  void ensureThreadLocked();
  void run();

  Hooks hooks_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;               // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  bool reconnecting_ = false;        // guarded by mu_
  Clock::time_point nextAttempt_;    // guarded by mu_
  ReconnectBackoff backoff_;         // guarded by mu_
  bool probeWanted_ = false;         // guarded by mu_
  bool probeRunning_ = false;        // guarded by mu_
  uint64_t probesDone_ = 0;          // guarded by mu_
  std::optional<Status> lastProbe_;  // guarded by mu_
  Clock::time_point lastProbeAt_;    // guarded by mu_
};

}  // namespace sshca::pkcs11
