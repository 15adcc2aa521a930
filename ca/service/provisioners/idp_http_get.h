// The CA's HTTP client for the identity provider's discovery document and
// JWKS: a GET bounded in size and in time. The IdP is a server the CA
// talks to, not one it trusts to be small or quick: a request that needs
// discovery or the JWKS waits on this call, on one of the authority's
// threads, so a slow or huge answer must not hold that thread or the CA's
// memory. libcurl is the library's one home (docs/oidc.md lists the caps).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::provisioners {

struct IdpFetchLimits {
  size_t maxBytes;                     // the body; past it the transfer stops
  std::chrono::milliseconds deadline;  // from the start to the last byte
  std::chrono::milliseconds connect;   // the TCP and TLS connect, within the deadline
};

// Discovery documents and JWKS are a few KiB (a large provider's JWKS: ~10
// KiB); 256 KiB leaves room and keeps a hostile answer cheap.
inline constexpr IdpFetchLimits kIdpFetchLimits{256u << 10, std::chrono::seconds(10), std::chrono::seconds(5)};

// GET url (https with the system's trust store and host name checks; http
// only where config::checkIssuerUrl allows it, on loopback). No redirects,
// no compressed bodies (a small gzip can inflate past any cap). The body
// of a 200 answer; otherwise Unavailable naming the URL and why: not
// reachable, another status, larger than the cap (the transfer stops there:
// memory stays bounded), or not complete within the deadline.
Result<std::string> idpHttpGet(const std::string& url, const IdpFetchLimits& limits = kIdpFetchLimits);

}  // namespace sshca::provisioners
