#include "ca/cli/pg_dump.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "ca/service/store/postgres/postgres_connection.h"

extern char** environ;

namespace sshca::cli {

namespace {

// This process's environment without any PGPASSWORD, plus `password`.
std::vector<std::string> childEnvironment(const std::string& password) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "PGPASSWORD=", 11) != 0) env.emplace_back(*e);
  if (!password.empty()) env.push_back("PGPASSWORD=" + password);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Status runPgDump(const std::string& dsn, const std::string& outFile) {
  SSHCA_ASSIGN_OR_RETURN(store::DsnPassword split, store::splitDsnPassword(dsn));
  std::vector<std::string> args{"pg_dump", "--format=custom", "--no-password", "--file",
                                outFile,   "--dbname",        split.dsn};
  std::vector<std::string> env = childEnvironment(split.password);
  std::vector<char*> argv = pointers(args), envp = pointers(env);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "pg_dump", nullptr, nullptr, argv.data(), envp.data());
  if (rc != 0)
    return makeError(ErrorCode::Unavailable,
                     std::string("cannot run pg_dump (Debian: apt install postgresql-client): ") + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return makeError(ErrorCode::IoError, std::string("waiting for pg_dump: ") + std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return makeError(ErrorCode::Unavailable,
                     "pg_dump of " + store::describeDsn(dsn) + " failed (" +
                         (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                                            : std::string("killed by a signal")) +
                         "); its message is above");
  return okStatus();
}

}  // namespace sshca::cli
