// A private temporary file (0600) that is removed when the scope ends.
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::agent {

class ScopedTempFile {
 public:
  // Creates "<dir>/<prefix>XXXXXX" holding `content`.
  static Result<ScopedTempFile> create(const std::string& dir, const std::string& prefix, std::string_view content);
  // In $TMPDIR or /tmp.
  static Result<ScopedTempFile> createInTmp(const std::string& prefix, std::string_view content);

  ScopedTempFile(ScopedTempFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScopedTempFile& operator=(ScopedTempFile&&) = delete;
  ScopedTempFile(const ScopedTempFile&) = delete;
  ScopedTempFile& operator=(const ScopedTempFile&) = delete;
  ~ScopedTempFile();

  const std::string& path() const { return path_; }

 private:
  explicit ScopedTempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace sshca::agent
