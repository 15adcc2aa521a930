// Test helpers for running the real ssh-keygen in a private temp directory.
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "ca/core/common/bytes.h"
#include "ca/core/common/random.h"
#include "tests/unit/support/temp_dir.h"

namespace sshca::test {

// A fresh directory under /tmp, removed with its contents at scope end.
inline std::string shellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct CommandResult {
  int status = -1;     // exit status, -1 if it did not run or was killed
  std::string output;  // stdout and stderr
};

inline CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void writeText(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// ssh-keygen -t TYPE [-b BITS]; returns the private key path ("<path>.pub"
// holds the public key). Empty on failure.
inline std::string makeSshKey(const TempDir& dir, const std::string& name, const std::string& type, int bits = 0,
                              const std::string& extra = "") {
  std::string path = dir.file(name);
  std::string cmd = "ssh-keygen -q -t " + type + (bits ? " -b " + std::to_string(bits) : "") + " -N '' -C " +
                    shellQuote(name + "@test") + " " + extra + " -f " + shellQuote(path);
  return run(cmd).status == 0 ? path : std::string();
}

// The base64 field of a one-line key or certificate file, decoded.
inline Bytes decodeLineBlob(const std::string& line) {
  std::istringstream in(line);
  std::string type, b64;
  in >> type >> b64;
  auto r = base64Decode(b64);
  return r.ok() ? *r : Bytes{};
}

// A RandomSource that hands out queued bytes, then fails.
class ScriptedRandom final : public RandomSource {
 public:
  void push(std::span<const uint8_t> b) { q_.insert(q_.end(), b.begin(), b.end()); }
  void pushU64(uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) q_.push_back(static_cast<uint8_t>(v >> s));
  }
  Status fill(std::span<uint8_t> out) override {
    if (q_.size() < out.size()) return makeError(ErrorCode::Internal, "scripted randomness exhausted");
    for (auto& b : out) {
      b = q_.front();
      q_.pop_front();
    }
    return okStatus();
  }

 private:
  std::deque<uint8_t> q_;
};

}  // namespace sshca::test
