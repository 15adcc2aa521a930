// Token buckets per key (a client address, a provisioner): each key may
// make `burst` requests at once and `perSecond` on average; a request over
// that is refused (RateLimited, HTTP 429 with Retry-After) before it costs
// a signature check, a database read or the HSM.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ca/core/common/result.h"

namespace sshca::authority {

struct RateLimit {
  double perSecond = 0;  // 0: no limit
  double burst = 0;      // at least 1 when limited
};

class RateLimiter {
 public:
  // `what` names the key in messages ("from this address"). At most maxKeys
  // buckets are kept: full buckets are forgotten first (a full bucket is
  // the same as none); past that, new keys share one bucket, so a flood of
  // addresses cannot grow memory without bound. Forgetting walks every
  // bucket, so it runs at most once a second: a flood of new addresses
  // cannot make each request pay for a walk of the whole map.
  RateLimiter(RateLimit limit, std::string what, size_t maxKeys = 100000, std::function<double()> clock = nullptr);

  // One request for `key`: ok, or RateLimited.
  Status admit(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    double at;  // seconds, of clock_
  };
  void forgetFullLocked(double now);

  RateLimit limit_;
  std::string what_;
  size_t maxKeys_;
  std::function<double()> clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
  Bucket overflow_{0, 0};                            // guarded by mu_
  double lastSweep_ = 0;                             // guarded by mu_; of clock_
};

}  // namespace sshca::authority
