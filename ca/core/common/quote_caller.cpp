#include "ca/core/common/quote_caller.h"

namespace sshca {

std::string quoteCaller(std::string_view text, size_t maxBytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (unsigned char c : text.substr(0, maxBytes)) {
    bool plain = c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out + (text.size() > maxBytes ? "...'" : "'");
}

}  // namespace sshca
