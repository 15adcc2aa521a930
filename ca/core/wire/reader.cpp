// SSH data type decoding, RFC 4251 §5 (byte, boolean, uint32, uint64,
// string, mpint, name-list).
#include "ca/core/wire/reader.h"

#include <algorithm>

namespace sshca::wire {
namespace {

Error truncated(const char* what, size_t need, size_t have) {
  return makeError(ErrorCode::InvalidFormat, std::string("truncated ") + what + ": need " + std::to_string(need) +
                                                 " bytes, " + std::to_string(have) + " left");
}

uint32_t loadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}

}  // namespace

Status Reader::need(size_t n, const char* what) const {
  if (remaining() < n) return truncated(what, n, remaining());
  return okStatus();
}

Result<uint8_t> Reader::u8() {
  SSHCA_RETURN_IF_ERROR(need(1, "byte"));
  return data_[pos_++];
}

Result<bool> Reader::boolean() {
  SSHCA_ASSIGN_OR_RETURN(uint8_t b, u8());
  return b != 0;
}

Result<uint32_t> Reader::u32() {
  SSHCA_RETURN_IF_ERROR(need(4, "uint32"));
  uint32_t v = loadU32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint64_t> Reader::u64() {
  SSHCA_RETURN_IF_ERROR(need(8, "uint64"));
  uint64_t v = uint64_t{loadU32(data_.data() + pos_)} << 32 | loadU32(data_.data() + pos_ + 4);
  pos_ += 8;
  return v;
}

Result<std::span<const uint8_t>> Reader::string() {
  SSHCA_RETURN_IF_ERROR(need(4, "string length"));
  size_t len = loadU32(data_.data() + pos_);
  if (len > kMaxStringLen)
    return makeError(ErrorCode::InvalidFormat,
                     "string of " + std::to_string(len) + " bytes exceeds the cap of " + std::to_string(kMaxStringLen));
  if (remaining() - 4 < len) return truncated("string", len, remaining() - 4);
  auto out = data_.subspan(pos_ + 4, len);
  pos_ += 4 + len;
  return out;
}

Result<std::string> Reader::cstring() {
  size_t start = pos_;
  SSHCA_ASSIGN_OR_RETURN(auto s, string());
  if (std::find(s.begin(), s.end(), uint8_t{0}) != s.end()) {
    pos_ = start;
    return makeError(ErrorCode::InvalidFormat, "string contains a NUL byte");
  }
  return std::string(asString(s));
}

// Shared by both mpint forms: minimal two's complement (RFC 4251 §5: no
// unnecessary leading 0x00 or 0xff bytes; zero is the empty string).
Result<std::span<const uint8_t>> Reader::mpintBytes() {
  size_t start = pos_;
  SSHCA_ASSIGN_OR_RETURN(auto m, string());
  auto fail = [&](const std::string& why) -> Error {
    pos_ = start;
    return makeError(ErrorCode::InvalidFormat, "mpint " + why);
  };
  if (m.size() > kMaxMpintBytes) return fail("of " + std::to_string(m.size()) + " bytes is too large");
  if (m.size() >= 2 && m[0] == 0x00 && (m[1] & 0x80) == 0) return fail("has a superfluous leading zero byte");
  if (m.size() >= 2 && m[0] == 0xff && (m[1] & 0x80) != 0) return fail("has a superfluous leading 0xff byte");
  if (m.size() == 1 && m[0] == 0x00) return fail("encodes zero as a non-empty string");
  return m;
}

Result<std::span<const uint8_t>> Reader::mpintSigned() { return mpintBytes(); }

Result<std::span<const uint8_t>> Reader::mpint() {
  size_t start = pos_;
  SSHCA_ASSIGN_OR_RETURN(auto m, mpintBytes());
  if (!m.empty() && (m[0] & 0x80) != 0) {
    pos_ = start;
    return makeError(ErrorCode::InvalidFormat, "mpint is negative where an unsigned value is required");
  }
  if (!m.empty() && m[0] == 0x00) m = m.subspan(1);
  return m;
}

Result<std::vector<std::string>> Reader::nameList() {
  size_t start = pos_;
  SSHCA_ASSIGN_OR_RETURN(std::string s, cstring());
  std::vector<std::string> names;
  if (s.empty()) return names;
  auto fail = [&](const std::string& why) -> Error {
    pos_ = start;
    return makeError(ErrorCode::InvalidFormat, "name-list " + why);
  };
  size_t from = 0;
  for (;;) {
    size_t comma = s.find(',', from);
    std::string name = s.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    if (name.empty()) return fail("contains an empty name");
    for (char c : name)
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
        return fail("contains a name with a non-printable or non-ASCII character");
    if (names.size() == kMaxNameListEntries) return fail("has too many names");
    names.push_back(std::move(name));
    if (comma == std::string::npos) return names;
    from = comma + 1;
  }
}

Result<Reader> Reader::subReader() {
  SSHCA_ASSIGN_OR_RETURN(auto s, string());
  return Reader(s);
}

Result<std::span<const uint8_t>> Reader::raw(size_t n) {
  SSHCA_RETURN_IF_ERROR(need(n, "field"));
  auto out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Status Reader::expectEnd() const {
  if (remaining() != 0)
    return makeError(ErrorCode::InvalidFormat, std::to_string(remaining()) + " bytes of trailing data");
  return okStatus();
}

}  // namespace sshca::wire
