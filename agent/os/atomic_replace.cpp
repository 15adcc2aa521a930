#include "agent/os/atomic_replace.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ca/core/common/file_io.h"

namespace sshca::agent {
namespace {

Error ioError(const std::string& what, const std::string& path, int err) {
  return makeError(err == ENOENT ? ErrorCode::NotFound : ErrorCode::IoError,
                   what + " " + path + ": " + std::strerror(err));
}

std::string directoryOf(const std::string& path) {
  std::filesystem::path p(path);
  return p.parent_path().empty() ? "." : p.parent_path().string();
}

// Owns a descriptor, and the temporary file until it is renamed.
class TempFile {
 public:
  explicit TempFile(std::string pattern) : path_(std::move(pattern)) {
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_ && fd_ != -2) ::unlink(path_.c_str());
  }
  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  Status closeFd() {
    int f = fd_;
    fd_ = -1;
    if (::close(f) != 0) return ioError("close", path_, errno);
    return okStatus();
  }
  void markRenamed() { renamed_ = true; }

 private:
  std::string path_;
  int fd_ = -2;
  bool renamed_ = false;
};

// The replaced file's owner and mode, or root-less defaults for a new one.
Status copyOwnerAndMode(const TempFile& tmp, const std::string& path, mode_t newMode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return ioError("cannot stat", path, errno);
    if (::fchmod(tmp.fd(), newMode) != 0) return ioError("chmod", tmp.path(), errno);
    return okStatus();
  }
  if (::fchown(tmp.fd(), st.st_uid, st.st_gid) != 0 && (st.st_uid != ::geteuid() || st.st_gid != ::getegid()))
    return ioError("cannot give the owner of " + path + " to", tmp.path(), errno);
  if (::fchmod(tmp.fd(), st.st_mode & 07777) != 0) return ioError("chmod", tmp.path(), errno);
  return okStatus();
}

void syncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // best effort: the rename itself already happened
  ::close(fd);
}

}  // namespace

Status atomicReplace(const std::string& path, std::string_view content, mode_t newMode) {
  std::string dir = directoryOf(path);
  TempFile tmp(dir + "/." + std::filesystem::path(path).filename().string() + ".tmpXXXXXX");
  if (!tmp.valid()) return ioError("cannot create a temporary file in", dir, errno);
  SSHCA_RETURN_IF_ERROR(copyOwnerAndMode(tmp, path, newMode));
  SSHCA_RETURN_IF_ERROR(writeAll(tmp.fd(), content, tmp.path()));
  if (::fsync(tmp.fd()) != 0) return ioError("fsync", tmp.path(), errno);
  SSHCA_RETURN_IF_ERROR(tmp.closeFd());
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) return ioError("cannot replace", path, errno);
  tmp.markRenamed();
  syncDirectory(dir);
  return okStatus();
}

Status atomicRename(const std::string& from, const std::string& path) {
  if (::rename(from.c_str(), path.c_str()) != 0) return ioError("cannot move " + from + " over", path, errno);
  syncDirectory(directoryOf(path));
  return okStatus();
}

}  // namespace sshca::agent
