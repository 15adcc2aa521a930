#include "ca/service/api/connection_limits.h"

namespace sshca::api {

ConnectionLimits::Slot ConnectionLimits::acquire(const std::string& source) {
  std::lock_guard lock(mu_);
  if (open_ >= total_) return {};
  size_t& n = bySource_[source];
  if (n >= perSource_) {
    if (n == 0) bySource_.erase(source);
    return {};
  }
  ++n;
  ++open_;
  return Slot(this, source);
}

size_t ConnectionLimits::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

void ConnectionLimits::release(const std::string& source) {
  std::lock_guard lock(mu_);
  --open_;
  auto it = bySource_.find(source);
  if (it != bySource_.end() && --it->second == 0) bySource_.erase(it);
}

}  // namespace sshca::api
