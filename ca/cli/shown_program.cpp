#include "ca/cli/shown_program.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <system_error>

namespace sshca::cli {
namespace {

// The file `sshca` resolves to on PATH, canonical; empty when none.
std::filesystem::path sshcaOnPath() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::error_code ec;
    auto candidate = std::filesystem::canonical(std::filesystem::path(dir) / "sshca", ec);
    if (!ec) return candidate;
  }
  return {};
}

}  // namespace

std::string shownProgram() {
  std::error_code ec;
  auto self = std::filesystem::canonical("/proc/self/exe", ec);
  if (ec) return "sshca";
  return sshcaOnPath() == self ? "sshca" : self.string();
}

}  // namespace sshca::cli
