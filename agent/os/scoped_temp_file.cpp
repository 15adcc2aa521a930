#include "agent/os/scoped_temp_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sshca::agent {

Result<ScopedTempFile> ScopedTempFile::create(const std::string& dir, const std::string& prefix,
                                              std::string_view content) {
  std::string path = dir + "/" + prefix + "XXXXXX";
  int fd = ::mkostemp(path.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0)
    return makeError(ErrorCode::IoError, "cannot create a temporary file in " + dir + ": " + std::strerror(errno));
  ScopedTempFile file(path);
  std::string_view rest = content;
  while (!rest.empty()) {
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return makeError(ErrorCode::IoError, "writing " + path + ": " + std::strerror(err));
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
  return file;
}

Result<ScopedTempFile> ScopedTempFile::createInTmp(const std::string& prefix, std::string_view content) {
  const char* tmp = std::getenv("TMPDIR");
  return create(tmp && *tmp ? tmp : "/tmp", prefix, content);
}

ScopedTempFile::~ScopedTempFile() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace sshca::agent
