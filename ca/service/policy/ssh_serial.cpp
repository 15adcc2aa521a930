#include "ca/service/policy/ssh_serial.h"

#include <charconv>
#include <string>

namespace sshca::policy {

Result<uint64_t> parseSshSerial(std::string_view text, std::string_view what) {
  auto bad = [&](const char* why) {
    return makeError(ErrorCode::InvalidArgument, std::string(what) + " is not a certificate serial: " + why);
  };
  if (text.empty()) return bad("it is empty");
  for (char c : text)
    if (c < '0' || c > '9') return bad("only decimal digits are allowed");
  if (text.size() > 1 && text[0] == '0') return bad("leading zeros are not allowed");
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return bad("it exceeds 2^64-1");
  if (value == 0) return bad("serial 0 is never issued");
  return value;
}

}  // namespace sshca::policy
