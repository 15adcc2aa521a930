#include "agent/host/sshd_reload.h"

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "agent/os/subprocess.h"
#include "ca/core/common/file_io.h"

namespace sshca::agent {

std::string defaultReloadCommand() {
  std::error_code ec;
  if (!std::filesystem::is_directory("/run/systemd/system", ec)) return "";
  // Debian and Ubuntu call the unit ssh.service; RHEL, Fedora, SUSE and Arch
  // call it sshd.service (and have no "ssh" alias).
  for (const char* dir : {"/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"}) {
    if (std::filesystem::exists(std::string(dir) + "/ssh.service", ec)) return "systemctl reload ssh";
  }
  return "systemctl reload sshd";
}

std::string reloadPendingPath(const std::string& configDir) { return configDir + "/sshd-reload-pending"; }

Status reloadSshd(const std::string& command, const std::string& pidFile) {
  if (!command.empty()) return runShellCommand(command);
  auto text = readFile(pidFile);
  if (!text.ok()) return std::move(text).error().context("reloading sshd (no systemd, so SIGHUP to its pid file)");
  pid_t pid = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), pid);
  if (ec != std::errc() || pid <= 1) return makeError(ErrorCode::InvalidFormat, pidFile + " does not hold a pid");
  if (::kill(pid, SIGHUP) != 0)
    return makeError(ErrorCode::IoError, "SIGHUP to sshd (pid " + std::to_string(pid) + "): " + std::strerror(errno));
  return okStatus();
}

}  // namespace sshca::agent
