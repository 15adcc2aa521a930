#include "agent/os/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sshca::agent {
namespace {

std::string describeExit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

}  // namespace

Status runProgram(const std::vector<std::string>& argv) {
  if (argv.empty()) return makeError(ErrorCode::Internal, "runProgram without a program");
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return makeError(ErrorCode::IoError, "cannot start " + argv[0] + ": " + std::strerror(errno));
  if (pid == 0) {
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return makeError(ErrorCode::IoError, "waiting for " + argv[0] + ": " + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return okStatus();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return makeError(ErrorCode::IoError, argv[0] + " could not be run (not installed or not in PATH?)");
  return makeError(ErrorCode::IoError, argv[0] + " " + describeExit(status));
}

Status runShellCommand(const std::string& command) {
  auto s = runProgram({"/bin/sh", "-c", command});
  if (!s.ok()) return makeError(s.error().code, "`" + command + "` failed: " + s.error().message);
  return okStatus();
}

}  // namespace sshca::agent
