// Making sshd pick up new host certificates (it reads them at start and on
// SIGHUP). Only called when a file actually changed.
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::agent {

// `systemctl reload ssh` (Debian's unit) or `systemctl reload sshd` (the
// others') when systemd runs (/run/systemd/system exists), else "" meaning
// SIGHUP to the pid in /run/sshd.pid.
std::string defaultReloadCommand();

// A file in the config directory that says a certificate changed but sshd
// was not reloaded: the next `host renew` reloads it even when nothing is
// due, so that a failed reload does not leave sshd serving the old
// certificate until the next renewal, weeks later.
std::string reloadPendingPath(const std::string& configDir);

// Runs `command` with /bin/sh; "" sends SIGHUP to the pid in `pidFile`.
Status reloadSshd(const std::string& command, const std::string& pidFile = "/run/sshd.pid");

}  // namespace sshca::agent
