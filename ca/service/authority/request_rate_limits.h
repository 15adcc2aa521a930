// The two rate limits every certificate request passes (per client
// address, then per provisioner once authenticated), and which sources
// are exempt from them.
#pragma once

#include <string>

#include "ca/core/common/result.h"
#include "ca/service/authority/rate_limiter.h"

namespace sshca::authority {

// True for 127.0.0.0/8, ::1 and an IPv4-mapped 127.x address, as the
// front door prints a peer's address.
bool isLoopbackAddress(const std::string& address);

class RequestRateLimits {
 public:
  // exemptLoopback: requests from this machine pass both limits. They are
  // there to stop a remote client in a loop or an attack; a local caller
  // (a reverse proxy, a batch job, a benchmark) could bypass the front
  // door anyway.
  RequestRateLimits(RateLimit perAddress, RateLimit perProvisioner, bool exemptLoopback);

  Status admitAddress(const std::string& address);
  Status admitProvisioner(const std::string& address, const std::string& provisioner);

 private:
  bool exempt(const std::string& address) const { return exemptLoopback_ && isLoopbackAddress(address); }

  RateLimiter perAddress_;
  RateLimiter perProvisioner_;
  bool exemptLoopback_;
};

}  // namespace sshca::authority
