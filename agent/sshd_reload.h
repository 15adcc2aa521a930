// Making sshd pick up new host certificates (it reads them at start and on
// SIGHUP). Only called when a file actually changed.
#pragma once

#include <string>

#include "common/result.h"

namespace sshca::agent {

// `systemctl reload ssh` when systemd runs (/run/systemd/system exists),
// else "" meaning SIGHUP to the pid in /run/sshd.pid.
std::string defaultReloadCommand();

// Runs `command` with /bin/sh; "" sends SIGHUP to the pid in `pidFile`.
Status reloadSshd(const std::string& command, const std::string& pidFile = "/run/sshd.pid");

}  // namespace sshca::agent
