// Exit statuses of sshca and sshca-agent: one meaning each, the same in
// both commands, and written in their --help (exitStatusHelp).
#pragma once

#include <string>

namespace sshca::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the command ran and failed; the message says why
inline constexpr int kExitNotDue = 2;  // nothing was due (sshca-agent host renew); not a failure
inline constexpr int kExitUsage = 64;  // bad arguments (sysexits.h EX_USAGE); nothing was done

// Thrown by a command callback to end with a status that is not an error
// (kExitNotDue), or with kExitFailed after it printed its own report.
struct ExitWith {
  int status;
};

// The --help footer that lists the statuses; `notDue` adds status 2.
std::string exitStatusHelp(bool notDue);

}  // namespace sshca::cli
