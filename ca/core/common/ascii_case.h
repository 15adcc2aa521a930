// ASCII case folding for names compared without case (DNS names, email
// domains, denied emails). Only A-Z change: the locale never decides how a
// name that grants access is compared.
#pragma once

#include <string>
#include <string_view>

namespace sshca {

inline std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace sshca
