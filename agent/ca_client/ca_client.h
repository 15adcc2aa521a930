// HTTPS to the CA. Every call after bootstrap pins the root stored at
// bootstrap: the server must present a chain to exactly that root and a
// certificate for the URL's host name. Only bootstrap fetches /roots without
// trusting the server, and then checks the root by its fingerprint.
#pragma once

#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "agent/ca_client/response_limits.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

// Retrying what the CA answers 503 (its token away or busy) or 429 (a rate
// limit): nothing was spent or recorded for such a request, so sending it
// again is safe. At most `attempts` tries in all; before each retry the
// wait the CA's Retry-After asks for (1 s without one), at most maxWait,
// plus up to half of it again at random, so that a fleet's timers that
// fired together do not come back together. Each retry is announced on
// `notices` (borrowed; the command's stderr) so that a cron or journal log
// shows why a run took longer; the last refusal's error names the status,
// the Retry-After and the number of tries.
struct RetryPolicy {
  int attempts = 1;  // 1: no retry
  std::chrono::seconds maxWait{30};
  std::ostream* notices = nullptr;
};

class CaClient {
 public:
  // `url`: "https://host[:port][/prefix]" (agent/ca_client/https_url.h); plain http
  // is refused. Verifies the server against the PEM file `rootFile`.
  static Result<CaClient> pinned(const std::string& url, const std::string& rootFile);
  // No server verification at all: only for fetching the root to compare
  // with a fingerprint the admin got out of band.
  static Result<CaClient> unverified(const std::string& url);

  ~CaClient();
  CaClient(CaClient&&) noexcept;
  CaClient& operator=(CaClient&&) noexcept;

  // The body of a 2xx answer; otherwise an Error with the CA's message and
  // a code from the HTTP status (401 unauthenticated, 409 replayed, ...).
  // Answers are bounded (agent/ca_client/response_limits.h): by default
  // 1 MiB and 2 min, a JSON answer; the KRL's caller passes kKrlLimits.
  Result<std::string> get(const std::string& path, const ResponseLimits& limits = kJsonAnswerLimits) const;
  Result<std::string> postJson(const std::string& path, const std::string& body) const;

  void setRetry(RetryPolicy policy);

  struct Impl;  // opaque: keeps httplib.h out of every command's includes

 private:
  explicit CaClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::agent
