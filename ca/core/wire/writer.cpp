// SSH data type encoding, RFC 4251 §5.
#include "ca/core/wire/writer.h"

#include <cassert>
#include <string>

namespace sshca::wire {

void Writer::u32(uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) buf_.push_back(static_cast<uint8_t>(v >> shift));
}

void Writer::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  u32(static_cast<uint32_t>(v));
}

void Writer::string(std::span<const uint8_t> s) {
  assert(s.size() <= UINT32_MAX);
  u32(static_cast<uint32_t>(s.size()));
  raw(s);
}

void Writer::mpint(std::span<const uint8_t> mag) {
  size_t skip = 0;
  while (skip < mag.size() && mag[skip] == 0) ++skip;
  mag = mag.subspan(skip);
  bool pad = !mag.empty() && (mag[0] & 0x80) != 0;
  u32(static_cast<uint32_t>(mag.size() + (pad ? 1 : 0)));
  if (pad) u8(0);
  raw(mag);
}

void Writer::nameList(std::span<const std::string> names) {
  std::string joined;
  for (const auto& n : names) {
    if (!joined.empty()) joined += ',';
    joined += n;
  }
  cstring(joined);
}

}  // namespace sshca::wire
