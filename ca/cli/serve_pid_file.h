// The pid file of `sshca serve`, so that `sshca reload --config CFG` finds
// the one process serving CFG (not every sshca on the machine, as
// `pidof sshca` does). The file is kept locked (fcntl) for the life of the
// process: `reload` asks the kernel which process holds the lock, so a
// file left by a crashed serve names nobody and a reused pid is never
// signalled by mistake.
#pragma once

#include <sys/types.h>

#include <string>

#include "ca/core/common/result.h"
#include "ca/core/common/unique_fd.h"

namespace sshca::cli {

// Where serve writes its pid for CONFIG when not told: beside it, with the
// extension .pid (DIR/config/ca.json -> DIR/config/ca.pid), so that every
// config file has its own and reload needs only --config.
std::string defaultPidFilePath(const std::string& configPath);

class ServePidFile {
 public:
  // Creates (or takes over a stale) PATH, locks it and writes this
  // process's pid. AlreadyExists, naming the pid, when another live
  // process holds it.
  static Result<ServePidFile> create(const std::string& path);

  ServePidFile(ServePidFile&&) = default;
  ServePidFile& operator=(ServePidFile&&) = default;
  // Removes the file, still locked: a reload that comes later finds no file.
  ~ServePidFile();

 private:
  ServePidFile(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;
};

// The pid of the process that holds PATH's lock. NotFound when there is no
// such file or nobody holds it (a stale file).
Result<pid_t> pidFileHolder(const std::string& path);

}  // namespace sshca::cli
