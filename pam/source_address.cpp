#include "pam/source_address.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace sshca::pam {
namespace {

struct Ip {
  int family = 0;
  std::array<uint8_t, 16> bytes{};
  int bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<Ip> parseIp(std::string_view s) {
  const std::string z(s);
  Ip ip;
  if (inet_pton(AF_INET, z.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET;
    return ip;
  }
  if (inet_pton(AF_INET6, z.c_str(), ip.bytes.data()) == 1) {
    ip.family = AF_INET6;
    return ip;
  }
  return std::nullopt;
}

bool samePrefix(const Ip& a, const Ip& b, int prefix) {
  for (int i = 0; i < prefix; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((a.bytes[byte] >> bit) & 1) != ((b.bytes[byte] >> bit) & 1)) return false;
  }
  return true;
}

struct Block {
  Ip net;
  int prefix = 0;
};

// "ADDR" or "ADDR/PREFIX"; nullopt when malformed.
std::optional<Block> parseBlock(std::string_view block) {
  const size_t slash = block.find('/');
  const auto net = parseIp(block.substr(0, slash));
  if (!net) return std::nullopt;
  int prefix = net->bits();
  if (slash != std::string_view::npos) {
    const std::string_view p = block.substr(slash + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (ec != std::errc() || end != p.data() + p.size() || p.empty() || prefix < 0 || prefix > net->bits())
      return std::nullopt;
  }
  return Block{*net, prefix};
}

}  // namespace

// Every entry is read before the answer: as in OpenSSH's
// addr_match_cidr_list, one malformed entry refuses the whole list.
bool addressInList(std::string_view address, std::string_view list) {
  const auto addr = parseIp(address);
  if (!addr) return false;
  bool match = false;
  for (;;) {
    const size_t comma = list.find(',');
    const auto block = parseBlock(list.substr(0, comma));
    if (!block) return false;
    if (block->net.family == addr->family && samePrefix(*addr, block->net, block->prefix)) match = true;
    if (comma == std::string_view::npos) return match;
    list = list.substr(comma + 1);
  }
}

}  // namespace sshca::pam
