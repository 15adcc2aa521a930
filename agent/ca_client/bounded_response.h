// Every HTTP answer the agent reads is bounded in size and in time: the CA
// (JSON answers, the KRL) and the identity provider are servers we talk to,
// not servers we trust to be small or quick. cpp-httplib reads a whole body
// into memory and has only per-read timeouts, so the body goes through a
// content receiver that stops at the cap and at the deadline, keeping at
// most `maxBytes` in memory. Limits per call are in docs/agent.md.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "agent/ca_client/response_limits.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct BoundedResponse {
  int status;
  std::string body;
  std::string retryAfter;  // the Retry-After header, if any
};

// Words for the person when a server does not answer at all (what to check).
using NoAnswerHint = std::string (*)(httplib::Error);

// Sends `req` (its content receiver is ours) through `client`, an
// httplib::Client or httplib::SSLClient (borrowed for the call). A body over
// the cap or past the deadline is an error, never a truncated answer.
// `what` names the request in messages ("GET /ssh/krl").
template <typename HttpClient>
Result<BoundedResponse> sendBounded(HttpClient& client, httplib::Request req, const ResponseLimits& limits,
                                    const std::string& what, NoAnswerHint hint = nullptr) {
  // The agent is a command, not library code: it may read the clock.
  const auto deadline = std::chrono::steady_clock::now() + limits.deadline;
  std::string body;
  bool tooLarge = false, tooLate = false;
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (n > limits.maxBytes - body.size()) return !(tooLarge = true);
    if (std::chrono::steady_clock::now() > deadline) return !(tooLate = true);
    body.append(data, n);
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  bool sent = client.send(req, res, err);
  if (tooLarge)
    return makeError(ErrorCode::InvalidFormat, what + ": the answer is larger than " + std::to_string(limits.maxBytes) +
                                                   " bytes; refused, not read");
  if (tooLate)
    return makeError(ErrorCode::Unavailable,
                     what + ": no complete answer within " + std::to_string(limits.deadline.count()) + " s");
  if (!sent)
    return makeError(ErrorCode::Unavailable,
                     what + ": no answer (" + httplib::to_string(err) + ")" + (hint ? hint(err) : std::string()));
  return BoundedResponse{res.status, std::move(body), res.get_header_value("Retry-After")};
}

}  // namespace sshca::agent
