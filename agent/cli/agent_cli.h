// What every sshca-agent command shares: failing (cli/cli_error.h, as
// sshca does), the exit status that is not a failure (host renew: not
// due), and the --config-dir option.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli_support/cli_error.h"

namespace sshca::agent {

// Exit statuses (docs/agent.md): 0 done, 1 failed, 2 nothing was due.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitNotDue = 2;

// Thrown by a command callback to end with a status that is not an error.
struct AgentExit {
  int status;
};

using cli::fail;
using cli::orFail;

// Adds --config-dir (default: /etc/sshca-agent as root, ~/.config/sshca otherwise).
void addConfigDirOption(CLI::App* cmd, std::string& dir);

// The option's value or the default directory.
std::string configDirOrDefault(const std::string& dir);

// The first line of FILE (or of stdin for "-"), without its line end: how
// secrets are taken (tokens, client secrets), never from the command line,
// where other users see them in ps and shells keep them in their history.
std::string readSecretLine(const std::string& path);

}  // namespace sshca::agent
