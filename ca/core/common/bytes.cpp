#include "ca/core/common/bytes.h"

#include <algorithm>

#include <openssl/evp.h>

namespace sshca {

std::string toHex(std::span<const uint8_t> b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (uint8_t c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

static int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Bytes> fromHex(std::string_view s) {
  if (s.size() % 2 != 0) return makeError(ErrorCode::InvalidFormat, "hex string has an odd length");
  Bytes out(s.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hexValue(s[2 * i]), lo = hexValue(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return makeError(ErrorCode::InvalidFormat, "not a hex string");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string base64Encode(std::span<const uint8_t> b) {
  std::string out(4 * ((b.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), b.data(), static_cast<int>(b.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64UrlEncode(std::span<const uint8_t> b) {
  std::string s = base64Encode(b);
  while (!s.empty() && s.back() == '=') s.pop_back();
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

Result<Bytes> base64Decode(std::string_view s) {
  if (s.size() % 4 != 0) return makeError(ErrorCode::InvalidFormat, "base64 length is not a multiple of 4");
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool pad = c == '=' && i >= s.size() - 2 && (i == s.size() - 1 || s[s.size() - 1] == '=');
    if (!alnum && c != '+' && c != '/' && !pad) return makeError(ErrorCode::InvalidFormat, "invalid base64 character");
  }
  Bytes out(s.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return makeError(ErrorCode::InvalidFormat, "invalid base64");
  // EVP_DecodeBlock counts padding as zero bytes; drop them.
  size_t pads = static_cast<size_t>(std::count(s.end() - std::min<size_t>(2, s.size()), s.end(), '='));
  out.resize(static_cast<size_t>(n) - pads);
  return out;
}

Result<Bytes> base64UrlDecode(std::string_view s) {
  if (s.size() % 4 == 1) return makeError(ErrorCode::InvalidFormat, "invalid base64url length");
  std::string t(s);
  for (char& c : t) {
    if (c == '+' || c == '/' || c == '=') return makeError(ErrorCode::InvalidFormat, "invalid base64url character");
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  while (t.size() % 4 != 0) t.push_back('=');
  return base64Decode(t);
}

}  // namespace sshca
