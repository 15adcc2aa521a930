#include "ca/cli/serve_pid_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ca/core/common/file_io.h"

namespace sshca::cli {
namespace {

Error ioError(const std::string& what, const std::string& path) {
  return makeError(ErrorCode::IoError, what + " " + path + ": " + std::strerror(errno));
}

// A whole-file write lock request (fcntl), for F_SETLK and F_GETLK.
struct flock wholeFileWriteLock() {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;
  return lock;
}

// F_GETLK on an open pid file: the holder's pid, or 0 when it is free.
Result<pid_t> holderOf(int fd, const std::string& path) {
  struct flock lock = wholeFileWriteLock();
  if (::fcntl(fd, F_GETLK, &lock) != 0) return ioError("cannot test the lock of", path);
  return lock.l_type == F_UNLCK ? 0 : lock.l_pid;
}

}  // namespace

std::string defaultPidFilePath(const std::string& configPath) {
  return std::filesystem::path(configPath).replace_extension(".pid").string();
}

Result<ServePidFile> ServePidFile::create(const std::string& path) {
  // No symlink followed: the file is written by the CA's user in its own
  // directory, and nothing else should be truncated in its place.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd.valid()) return ioError("cannot open the pid file", path);
  struct flock lock = wholeFileWriteLock();
  if (::fcntl(fd.get(), F_SETLK, &lock) != 0) {
    if (errno != EAGAIN && errno != EACCES) return ioError("cannot lock the pid file", path);
    auto holder = holderOf(fd.get(), path);
    std::string who = holder.ok() && *holder > 0 ? "pid " + std::to_string(*holder) : "another process";
    return makeError(ErrorCode::AlreadyExists, "another sshca serve (" + who + ") holds " + path);
  }
  std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0) return ioError("cannot write the pid file", path);
  if (Status st = writeAll(fd.get(), text, path); !st.ok()) return std::move(st).error();
  return ServePidFile(path, std::move(fd));
}

ServePidFile::~ServePidFile() {
  if (fd_.valid()) ::unlink(path_.c_str());
}

Result<pid_t> pidFileHolder(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    if (errno == ENOENT) return makeError(ErrorCode::NotFound, "no pid file " + path + ": is sshca serve running?");
    return ioError("cannot open the pid file", path);
  }
  Result<pid_t> holder = holderOf(fd.get(), path);
  if (!holder.ok()) return holder;
  if (*holder == 0) return makeError(ErrorCode::NotFound, "no sshca serve holds " + path + " (left by one that ended)");
  return holder;
}

}  // namespace sshca::cli
