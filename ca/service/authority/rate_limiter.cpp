#include "ca/service/authority/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace sshca::authority {
namespace {

constexpr double kSweepSeconds = 1;

double steadySeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// "50 a second on average", or per minute or hour for the slow limits that
// would otherwise read as "0 a second".
std::string rateText(double perSecond) {
  char buf[64];
  if (perSecond >= 1)
    std::snprintf(buf, sizeof buf, "%g a second on average", perSecond);
  else if (perSecond * 60 >= 1)
    std::snprintf(buf, sizeof buf, "%g a minute on average", perSecond * 60);
  else
    std::snprintf(buf, sizeof buf, "%g an hour on average", perSecond * 3600);
  return buf;
}

}  // namespace

RateLimiter::RateLimiter(RateLimit limit, std::string what, size_t maxKeys, std::function<double()> clock)
    : limit_(limit), what_(std::move(what)), maxKeys_(maxKeys), clock_(clock ? std::move(clock) : steadySeconds) {
  limit_.burst = std::max(limit_.burst, 1.0);
  overflow_ = {limit_.burst, clock_()};
  lastSweep_ = overflow_.at - kSweepSeconds;
}

void RateLimiter::forgetFullLocked(double now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->second.tokens + (now - it->second.at) * limit_.perSecond >= limit_.burst)
      it = buckets_.erase(it);
    else
      ++it;
  }
}

Status RateLimiter::admit(const std::string& key) {
  if (limit_.perSecond <= 0) return okStatus();
  std::lock_guard lock(mu_);
  const double now = clock_();
  auto it = buckets_.find(key);
  if (it == buckets_.end() && buckets_.size() >= maxKeys_ && now - lastSweep_ >= kSweepSeconds) {
    forgetFullLocked(now);
    lastSweep_ = now;
  }
  Bucket* b = &overflow_;
  if (it != buckets_.end())
    b = &it->second;
  else if (buckets_.size() < maxKeys_)
    b = &buckets_.emplace(key, Bucket{limit_.burst, now}).first->second;
  b->tokens = std::min(limit_.burst, b->tokens + (now - b->at) * limit_.perSecond);
  b->at = now;
  if (b->tokens < 1) {
    return makeError(ErrorCode::RateLimited,
                     "too many requests " + what_ + " (more than " + rateText(limit_.perSecond) + "); retry later");
  }
  b->tokens -= 1;
  return okStatus();
}

}  // namespace sshca::authority
