// Running the programs the agent needs (sshd's reload command): fork +
// exec, no shell unless asked for, wait.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::agent {

// Runs argv[0] (searched in PATH) and waits; IoError unless it exits 0.
// stdout and stderr are inherited (they go to the agent's log).
Status runProgram(const std::vector<std::string>& argv);

// `/bin/sh -c command`.
Status runShellCommand(const std::string& command);

}  // namespace sshca::agent
