#include "agent/agent_cli.h"

#include "agent/agent_state.h"

namespace sshca::agent {

void addConfigDirOption(CLI::App* cmd, std::string& dir) {
  cmd->add_option("--config-dir", dir,
                  "where bootstrap keeps the CA URL, root and CA keys (default /etc/sshca-agent as root, "
                  "~/.config/sshca otherwise)");
}

std::string configDirOrDefault(const std::string& dir) { return dir.empty() ? defaultConfigDir() : dir; }

}  // namespace sshca::agent
