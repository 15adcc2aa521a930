#include "ca/cli/pin_prompt.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <string>

namespace sshca {
namespace {

// The terminal, closed on destruction.
class Tty {
 public:
  Tty() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
  ~Tty() {
    if (fd_ >= 0) ::close(fd_);
  }
  Tty(const Tty&) = delete;
  Tty& operator=(const Tty&) = delete;
  int fd() const { return fd_; }
  void write(std::string_view s) const { [[maybe_unused]] auto n = ::write(fd_, s.data(), s.size()); }

 private:
  int fd_;
};

// Echo off for the scope; restored even on early return.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd), ok_(tcgetattr(fd, &saved_) == 0) {
    if (!ok_) return;
    termios t = saved_;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd_, TCSAFLUSH, &t);
  }
  ~EchoOff() {
    if (ok_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool ok_;
};

// One line into SecretBytes, byte by byte, so no copy is left in a buffer.
SecretBytes readLine(int fd) {
  SecretBytes line;
  line.resize(256);
  size_t n = 0;
  char c;
  while (n < line.size() && ::read(fd, &c, 1) == 1 && c != '\n') {
    if (c != '\r') line.data()[n++] = static_cast<uint8_t>(c);
  }
  line.resize(n);
  return line;
}

}  // namespace

bool haveTerminal() {
  Tty tty;
  return tty.fd() >= 0 && isatty(tty.fd());
}

Result<SecretBytes> promptSecret(std::string_view prompt) {
  Tty tty;
  if (tty.fd() < 0) return makeError(ErrorCode::Unavailable, "no terminal to ask for the PIN on");
  tty.write(prompt);
  SecretBytes pin;
  {
    EchoOff off(tty.fd());
    pin = readLine(tty.fd());
  }
  tty.write("\n");
  if (pin.empty()) return makeError(ErrorCode::InvalidArgument, "empty PIN");
  return pin;
}

Result<bool> confirmOnTerminal(std::string_view question) {
  Tty tty;
  if (tty.fd() < 0) return makeError(ErrorCode::Unavailable, "no terminal to ask for confirmation on");
  tty.write(question);
  SecretBytes answer = readLine(tty.fd());
  return answer.view() == "yes";
}

}  // namespace sshca
