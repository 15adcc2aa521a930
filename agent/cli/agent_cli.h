// What every sshca-agent command shares: failing (cli_support/cli_error.h, as
// sshca does), the exit status that is not a failure (host renew: not
// due), and the --config-dir option.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli_support/cli_error.h"
#include "cli_support/exit_status.h"

namespace sshca::agent {

// Exit statuses: cli_support/exit_status.h (docs/agent.md).
using cli::ExitWith;
using cli::kExitFailed;
using cli::kExitNotDue;

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
