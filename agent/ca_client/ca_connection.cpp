#include "agent/ca_client/ca_connection.h"

namespace sshca::agent {

Result<CaConnection> CaConnection::open(const std::string& configDir) {
  SSHCA_ASSIGN_OR_RETURN(AgentState state, loadAgentState(configDir));
  SSHCA_ASSIGN_OR_RETURN(CaClient client, CaClient::pinned(state.caUrl, rootFileIn(configDir)));
  return CaConnection{configDir, std::move(state), std::move(client)};
}

}  // namespace sshca::agent
