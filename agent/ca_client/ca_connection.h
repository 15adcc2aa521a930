// The pinned state of one config directory plus an HTTPS client that
// trusts only its root: what every command after bootstrap starts from.
#pragma once

#include <string>

#include "agent/ca_client/agent_state.h"
#include "agent/ca_client/ca_client.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

// What the commands timers run (host renew, krl sync) do with a CA that
// answers 503 or 429: up to 4 tries, about 2 minutes at most in all, each
// retry announced on `notices` (borrowed for the command's run).
inline RetryPolicy scheduledRetry(std::ostream& notices) { return RetryPolicy{4, std::chrono::seconds(30), &notices}; }

struct CaConnection {
  std::string configDir;
  AgentState state;
  CaClient client;

  static Result<CaConnection> open(const std::string& configDir);
};

}  // namespace sshca::agent
