// The pinned state of one config directory plus an HTTPS client that
// trusts only its root: what every command after bootstrap starts from.
#pragma once

#include <string>

#include "agent/ca_client/agent_state.h"
#include "agent/ca_client/ca_client.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct CaConnection {
  std::string configDir;
  AgentState state;
  CaClient client;

  static Result<CaConnection> open(const std::string& configDir);
};

}  // namespace sshca::agent
