// Bounds-checked reader for the SSH data types of RFC 4251 §5 (modelled on
// OpenSSH's sshbuf). Every getter returns a Result, never reads past the end
// and leaves the position unchanged on failure.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/wire/limits.h"

namespace sshca::wire {

class Reader {
 public:
  // Borrows `data`: it must outlive the reader and every span returned.
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}

  Result<uint8_t> u8();
  Result<bool> boolean();  // RFC 4251: any non-zero byte is true
  Result<uint32_t> u32();
  Result<uint64_t> u64();
  // "string": uint32 length + bytes, length capped at kMaxStringLen.
  Result<std::span<const uint8_t>> string();
  // A string holding text: refused if it contains a NUL byte.
  Result<std::string> cstring();
  // Unsigned "mpint": returns the big-endian magnitude without the sign
  // byte (empty for zero). Refuses negative and non-minimal encodings.
  Result<std::span<const uint8_t>> mpint();
  // Signed "mpint": the minimal two's complement bytes as encoded.
  Result<std::span<const uint8_t>> mpintSigned();
  // "name-list": comma-separated, non-empty US-ASCII names without NUL.
  Result<std::vector<std::string>> nameList();
  // A reader over the contents of the next string (nested structures).
  Result<Reader> subReader();
  // Exactly n raw bytes (fixed-size fields such as a magic).
  Result<std::span<const uint8_t>> raw(size_t n);

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  // Everything read so far (e.g. the signed part of a certificate).
  std::span<const uint8_t> consumed() const { return data_.first(pos_); }
  // InvalidFormat if any byte is left: trailing data is never ignored.
  Status expectEnd() const;

 private:
  Status need(size_t n, const char* what) const;
  Result<std::span<const uint8_t>> mpintBytes();

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace sshca::wire
