// A throw-away SoftHSM2 token for one test: its own token directory and
// SOFTHSM2_CONF (set before the first C_Initialize of the process, which is
// why every TEST_CASE runs in its own process), PIN 1234, SO-PIN 12345678.
// Removed when the fixture goes out of scope.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace sshca::test {

class SoftHsmToken {
 public:
  static constexpr const char* kPin = "1234";
  static constexpr const char* kSoPin = "12345678";

  explicit SoftHsmToken(std::string label = "sshca-test") : label_(std::move(label)) {
    char tmpl[] = "/tmp/sshca-softhsm.XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::filesystem::create_directory(dir_ / "tokens");
    std::ofstream(dir_ / "softhsm2.conf") << "directories.tokendir = " << (dir_ / "tokens").string()
                                          << "\nobjectstore.backend = file\nlog.level = ERROR\n";
    setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    std::ofstream(dir_ / "pin") << kPin << "\n";
    std::filesystem::permissions(dir_ / "pin",
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    addToken(label_);
  }
  ~SoftHsmToken() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  SoftHsmToken(const SoftHsmToken&) = delete;
  SoftHsmToken& operator=(const SoftHsmToken&) = delete;

  // Another token in the same SoftHSM2 instance (call before C_Initialize).
  void addToken(const std::string& label) const {
    std::string cmd = "softhsm2-util --init-token --free --label '" + label + "' --pin " + kPin + " --so-pin " +
                      kSoPin + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("softhsm2-util --init-token failed");
  }

  const std::string& label() const { return label_; }
  std::filesystem::path dir() const { return dir_; }
  std::string pinFile() const { return (dir_ / "pin").string(); }
  // "pkcs11:module-path=...;token=LABEL?pin-source=file:..."
  std::string kmsUri() const {
    return "pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=" + label_ + "?pin-source=file:" + pinFile();
  }

 private:
  std::string label_;
  std::filesystem::path dir_;
};

}  // namespace sshca::test
