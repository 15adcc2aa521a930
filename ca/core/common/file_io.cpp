#include "ca/core/common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

Status writeFileAtomic(const std::string& path, std::string_view content, mode_t mode) {
  std::filesystem::path p(path);
  std::string dir = p.parent_path().empty() ? "." : p.parent_path().string();
  std::string tmp = dir + "/." + p.filename().string() + ".tmpXXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (fd.get() < 0) return ioError("cannot create a temporary file in", dir, errno);
  auto fail = [&](Error e) { ::unlink(tmp.c_str()); return e; };
  if (::fchmod(fd.get(), mode) != 0) return fail(ioError("chmod", tmp, errno));
  if (auto s = writeAll(fd.get(), content, tmp); !s.ok()) return fail(std::move(s).error());
  if (::fsync(fd.get()) != 0) return fail(ioError("fsync", tmp, errno));
  if (::close(fd.release()) != 0) return fail(ioError("close", tmp, errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(ioError("cannot replace", path, errno));
  UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() >= 0) ::fsync(dfd.get());
  return okStatus();
}

}  // namespace sshca
