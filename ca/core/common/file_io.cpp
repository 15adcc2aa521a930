#include "ca/core/common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ca/core/common/unique_fd.h"

namespace sshca {
namespace {

Error ioError(const std::string& what, const std::string& path, int err) {
  return makeError(err == ENOENT ? ErrorCode::NotFound : ErrorCode::IoError,
                   what + " " + path + ": " + std::strerror(err));
}

std::string directoryOf(const std::string& path) {
  std::filesystem::path p(path);
  return p.parent_path().empty() ? "." : p.parent_path().string();
}

// The temporary file: its descriptor, and its name until it is renamed.
class TempFile {
 public:
  explicit TempFile(std::string pattern)
      : path_(std::move(pattern)), fd_(::mkostemp(path_.data(), O_CLOEXEC)), created_(fd_.valid()) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (created_ && !renamed_) ::unlink(path_.c_str());
  }
  bool valid() const { return fd_.get() >= 0; }
  int fd() const { return fd_.get(); }
  const std::string& path() const { return path_; }
  Status close() {
    if (::close(fd_.release()) != 0) return ioError("close", path_, errno);
    return okStatus();
  }
  void markRenamed() { renamed_ = true; }

 private:
  std::string path_;
  UniqueFd fd_;
  bool created_;
  bool renamed_ = false;
};

// The replaced file's owner and mode (not wider to group and others than
// `mode`), or `mode` for a new file.
Status copyOwnerAndMode(const TempFile& tmp, const std::string& path, mode_t mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return ioError("cannot stat", path, errno);
    if (::fchmod(tmp.fd(), mode) != 0) return ioError("chmod", tmp.path(), errno);
    return okStatus();
  }
  if (::fchown(tmp.fd(), st.st_uid, st.st_gid) != 0 && (st.st_uid != ::geteuid() || st.st_gid != ::getegid()))
    return ioError("cannot give the owner of " + path + " to", tmp.path(), errno);
  const mode_t kept = (st.st_mode & 07777) & ~(~mode & 077);
  if (::fchmod(tmp.fd(), kept) != 0) return ioError("chmod", tmp.path(), errno);
  return okStatus();
}

void syncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());  // best effort: the rename itself already happened
}

}  // namespace

Status writeAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("writing", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return okStatus();
}

Result<std::string> readFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ioError("cannot open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError("reading", path, errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

Result<SecretBytes> readSecretFile(const std::string& path, size_t limit, std::string_view what) {
  const std::string name = std::string(what) + " " + path;
  auto failed = [&name](int err) {
    ErrorCode code = err == ENOENT   ? ErrorCode::NotFound
                     : err == EACCES ? ErrorCode::PermissionDenied
                                     : ErrorCode::IoError;
    return makeError(code, "cannot read " + name + ": " + std::strerror(err));
  };
  auto tooLarge = [&] {
    return makeError(ErrorCode::InvalidArgument, name + " is larger than " + std::to_string(limit) + " bytes");
  };
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return failed(errno);
  SecretBytes out;
  size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (used > limit) return tooLarge();
      // Grow into a new buffer; the old one is cleansed as it is replaced.
      SecretBytes bigger;
      bigger.resize(std::min(std::max<size_t>(4096, 2 * used), limit + 1));
      std::copy(out.data(), out.data() + used, bigger.data());
      out = std::move(bigger);
    }
    ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return failed(errno);
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  if (used > limit) return tooLarge();
  out.resize(used);  // shrinking keeps the buffer: nothing is copied
  return out;
}

Status writeFileAtomic(const std::string& path, std::string_view content, mode_t mode) {
  const std::string dir = directoryOf(path);
  TempFile tmp(dir + "/." + std::filesystem::path(path).filename().string() + ".tmpXXXXXX");
  if (!tmp.valid()) return ioError("cannot create a temporary file in", dir, errno);
  SSHCA_RETURN_IF_ERROR(copyOwnerAndMode(tmp, path, mode));
  SSHCA_RETURN_IF_ERROR(writeAll(tmp.fd(), content, tmp.path()));
  if (::fsync(tmp.fd()) != 0) return ioError("fsync", tmp.path(), errno);
  SSHCA_RETURN_IF_ERROR(tmp.close());
  if (::rename(tmp.path().c_str(), path.c_str()) != 0) return ioError("cannot replace", path, errno);
  tmp.markRenamed();
  syncDirectory(dir);
  return okStatus();
}

Status renameAtomic(const std::string& from, const std::string& path) {
  if (::rename(from.c_str(), path.c_str()) != 0) return ioError("cannot move " + from + " over", path, errno);
  syncDirectory(directoryOf(path));
  return okStatus();
}

}  // namespace sshca
