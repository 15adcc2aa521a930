#include "agent/cli/agent_cli.h"

#include "agent/ca_client/agent_state.h"
#include "ca/core/common/file_io.h"

namespace sshca::agent {

void addConfigDirOption(CLI::App* cmd, std::string& dir) {
  cmd->add_option("--config-dir", dir,
                  "where bootstrap keeps the CA URL, root and CA keys (default /etc/sshca-agent as root, "
                  "~/.config/sshca otherwise)");
}

std::string configDirOrDefault(const std::string& dir) { return dir.empty() ? defaultConfigDir() : dir; }

std::string readSecretLine(const std::string& path) {
  std::string text = orFail(readFile(path == "-" ? "/dev/stdin" : path));
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

}  // namespace sshca::agent
