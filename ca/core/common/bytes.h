// Byte helpers shared by the format code: hex and base64 (RFC 4648) codecs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca {

using Bytes = std::vector<uint8_t>;

inline std::span<const uint8_t> asBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view asString(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string toHex(std::span<const uint8_t> b);
Result<Bytes> fromHex(std::string_view s);

// Standard alphabet with padding (what SSH public key lines use).
std::string base64Encode(std::span<const uint8_t> b);
// URL-safe alphabet without padding (JOSE).
std::string base64UrlEncode(std::span<const uint8_t> b);
// Decodes the standard alphabet; whitespace and a missing padding are refused.
Result<Bytes> base64Decode(std::string_view s);
Result<Bytes> base64UrlDecode(std::string_view s);

}  // namespace sshca
