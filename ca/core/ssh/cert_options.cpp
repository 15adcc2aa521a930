// Options and extensions sections, draft-miller-ssh-cert "Critical options"
// and "Extensions"; source-address syntax as in its table.
#include "ca/core/ssh/cert_options.h"

#include <arpa/inet.h>

#include <charconv>

#include "ca/core/wire/limits.h"
#include "ca/core/wire/reader.h"

namespace sshca::ssh {
namespace {

// The data of one option: empty (flag) or exactly one non-empty string.
Result<std::string> readOptionValue(std::span<const uint8_t> data, const std::string& name) {
  if (data.empty()) return std::string();
  wire::Reader r(data);
  auto value = r.cstring();
  if (!value.ok() || !r.expectEnd().ok() || value->empty())
    return makeError(ErrorCode::InvalidFormat, "option '" + name + "' data is not a single non-empty string");
  return std::move(*value);
}

// Host bits beyond the prefix must be zero ("10.0.0.1/8" is refused).
bool hostBitsZero(const uint8_t* addr, size_t len, unsigned prefix) {
  for (size_t bit = prefix; bit < len * 8; ++bit)
    if (addr[bit / 8] & (0x80 >> (bit % 8))) return false;
  return true;
}

Status checkOneAddress(std::string_view entry) {
  auto bad = [&](const std::string& why) {
    return makeError(ErrorCode::InvalidArgument, "source-address entry '" + std::string(entry) + "' " + why);
  };
  size_t slash = entry.find('/');
  std::string addr(entry.substr(0, slash));
  uint8_t buf[16];
  size_t len = 0;
  if (inet_pton(AF_INET, addr.c_str(), buf) == 1)
    len = 4;
  else if (inet_pton(AF_INET6, addr.c_str(), buf) == 1)
    len = 16;
  else
    return bad("is not an IPv4 or IPv6 address");
  if (slash == std::string_view::npos) return okStatus();
  std::string_view p = entry.substr(slash + 1);
  unsigned prefix = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
  if (p.empty() || p.size() > 3 || ec != std::errc() || end != p.data() + p.size())
    return bad("has a malformed prefix length");
  if (prefix > len * 8) return bad("has a prefix length above " + std::to_string(len * 8));
  if (!hostBitsZero(buf, len, prefix)) return bad("has bits set beyond its prefix length");
  return okStatus();
}

}  // namespace

Result<OptionList> readOptionSection(std::span<const uint8_t> section, std::string_view what) {
  wire::Reader r(section);
  OptionList out;
  while (r.remaining() > 0) {
    if (out.size() == wire::kMaxCertOptions)
      return makeError(ErrorCode::InvalidFormat,
                       "more than " + std::to_string(wire::kMaxCertOptions) + " " + std::string(what));
    SSHCA_ASSIGN_OR_RETURN(std::string name, r.cstring());
    SSHCA_ASSIGN_OR_RETURN(auto data, r.string());
    if (name.empty()) return makeError(ErrorCode::InvalidFormat, std::string(what) + " contain an empty name");
    if (!out.empty() && !(out.back().first < name))
      return makeError(ErrorCode::InvalidFormat, std::string(what) + " are not sorted and unique at '" + name + "'");
    SSHCA_ASSIGN_OR_RETURN(std::string value, readOptionValue(data, name));
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

void writeOptionSection(wire::Writer& w, const OptionList& options) {
  wire::Writer section;
  for (const auto& [name, value] : options) {
    section.cstring(name);
    wire::Writer data;
    if (!value.empty()) data.cstring(value);
    section.nested(data);
  }
  w.nested(section);
}

Status checkSourceAddressList(std::string_view value) {
  if (value.empty()) return makeError(ErrorCode::InvalidArgument, "source-address is empty");
  size_t from = 0;
  for (;;) {
    size_t comma = value.find(',', from);
    std::string_view entry =
        value.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
    if (entry.empty()) return makeError(ErrorCode::InvalidArgument, "source-address has an empty entry");
    SSHCA_RETURN_IF_ERROR(checkOneAddress(entry));
    if (comma == std::string_view::npos) return okStatus();
    from = comma + 1;
  }
}

}  // namespace sshca::ssh
