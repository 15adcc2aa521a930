// Encoder for the SSH data types of RFC 4251 §5; owns its buffer.
// Appending cannot fail (lengths above 4 GiB are a programming error).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ca/core/common/bytes.h"

namespace sshca::wire {

class Writer {
 public:
  void u8(uint8_t v) { buf_.push_back(v); }
  void boolean(bool v) { buf_.push_back(v ? 1 : 0); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  // "string": uint32 length + bytes.
  void string(std::span<const uint8_t> s);
  // A string holding text (the caller guarantees no NUL where that matters).
  void cstring(std::string_view s) { string(asBytes(s)); }
  // "mpint" from a big-endian unsigned magnitude (leading zeros allowed in
  // the input); writes the minimal encoding, with a 0x00 sign byte if needed.
  void mpint(std::span<const uint8_t> bigEndianUnsigned);
  // "name-list" (the caller guarantees names without commas).
  void nameList(std::span<const std::string> names);
  // A string whose contents are another writer's bytes (nested structures).
  void nested(const Writer& inner) { string(inner.bytes()); }
  // Bytes without a length prefix.
  void raw(std::span<const uint8_t> b) { buf_.insert(buf_.end(), b.begin(), b.end()); }

  const Bytes& bytes() const { return buf_; }
  Bytes take() && { return std::move(buf_); }
  size_t size() const { return buf_.size(); }

 private:
  Bytes buf_;
};

}  // namespace sshca::wire
