// A temporary directory under /tmp, removed with everything in it when the
// test ends, pass or fail.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace sshca::test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sshca-ssh-XXXXXX";
    if (mkdtemp(tmpl)) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace sshca::test
