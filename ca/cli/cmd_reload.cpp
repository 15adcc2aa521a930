// sshca reload: SIGHUP to the `sshca serve` of one config file, found by
// the pid file it holds locked (ca/cli/serve_pid_file.h), never by name.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "ca/cli/commands.h"
#include "ca/cli/serve_pid_file.h"
#include "ca/core/common/file_io.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct ReloadOptions {
  std::string config;
  std::string pidFile;
};

// The holder of the lock is the process that wrote the file; this checks
// that it still is what the file is for (its program is sshca, running
// `serve`) before anything is sent to it.
Status checkIsServe(pid_t pid) {
  std::string procFile = "/proc/" + std::to_string(pid) + "/cmdline";
  auto bytes = readFile(procFile);
  if (!bytes.ok()) return std::move(bytes).error().context("reading the command line of pid " + std::to_string(pid));
  std::vector<std::string> argv;
  std::string arg;
  for (char c : *bytes) {
    if (c == '\0') {
      argv.push_back(arg);
      arg.clear();
    } else {
      arg.push_back(c);
    }
  }
  bool isSshca = !argv.empty() && std::filesystem::path(argv[0]).filename() == "sshca";
  bool serves = false;
  for (size_t i = 1; i < argv.size(); ++i) serves = serves || argv[i] == "serve";
  if (!isSshca || !serves)
    return makeError(ErrorCode::PermissionDenied,
                     "pid " + std::to_string(pid) + " holds the pid file but is not `sshca serve`: not signalled");
  return {};
}

void runReload(const ReloadOptions& o) {
  std::string path = o.pidFile.empty() ? defaultPidFilePath(o.config) : o.pidFile;
  pid_t pid = orFail(pidFileHolder(path));
  orFail(checkIsServe(pid));
  if (::kill(pid, SIGHUP) != 0)
    fail(makeError(ErrorCode::IoError,
                   "SIGHUP to sshca serve (pid " + std::to_string(pid) + "): " + std::strerror(errno)));
  std::cout << "sent SIGHUP to sshca serve (pid " << pid << "); its log says whether " << o.config << " was loaded\n";
}

}  // namespace

void registerReloadCommands(CLI::App& app) {
  auto o = std::make_shared<ReloadOptions>();
  auto* reload =
      app.add_subcommand("reload", "Make a running sshca serve re-read its provisioners and policies (SIGHUP)");
  reload->add_option("--config", o->config, "the config file sshca serve runs with (DIR/config/ca.json)")->required();
  reload->add_option("--pid-file", o->pidFile,
                     "the pid file sshca serve was given (default: the config's path with .pid)");
  reload->footer(
      "Finds the serve process by the pid file it keeps locked beside its config (DIR/config/ca.pid),\n"
      "checks that the process is `sshca serve`, and sends it SIGHUP. A config file that does not\n"
      "parse keeps the current provisioners; the serve log says which happened.\n"
      "Under systemd, `systemctl reload sshca` does the same.\n"
      "Example:\n"
      "  sshca reload --config /var/lib/sshca/config/ca.json");
  reload->callback([o] { runReload(*o); });
}

}  // namespace sshca::cli
