// ssh-keygen -V validity syntax (ssh-keygen(1), "-V validity_interval").
#include "ca/core/ssh/validity_spec.h"

#include <charconv>
#include <string>

#include "ca/core/common/utc_time.h"

namespace sshca::ssh {
namespace {

constexpr int64_t kMaxSeconds = int64_t{1} << 62;  // far beyond any date; keeps sums in range

Error bad(std::string_view spec, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "validity '" + std::string(spec) + "': " + why);
}

int64_t unitSeconds(char u) {
  switch (u) {
    case 's':
    case 'S':
      return 1;
    case 'm':
    case 'M':
      return 60;
    case 'h':
    case 'H':
      return 3600;
    case 'd':
    case 'D':
      return 86400;
    case 'w':
    case 'W':
      return 7 * 86400;
    default:
      return 0;
  }
}

// "1w2d3h", "90", "5m30": number[unit] repeated; a bare number is seconds.
Result<int64_t> parseDuration(std::string_view s, std::string_view spec) {
  if (s.empty()) return bad(spec, "relative time has no duration");
  int64_t total = 0;
  while (!s.empty()) {
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || n < 0) return bad(spec, "expected a number in '" + std::string(s) + "'");
    s.remove_prefix(static_cast<size_t>(end - s.data()));
    int64_t unit = 1;
    if (!s.empty()) {
      unit = unitSeconds(s.front());
      if (unit == 0) return bad(spec, "unknown time unit '" + std::string(1, s.front()) + "' (use s, m, h, d or w)");
      s.remove_prefix(1);
    }
    if (n > kMaxSeconds / unit || total > kMaxSeconds - n * unit) return bad(spec, "duration is too large");
    total += n * unit;
  }
  return total;
}

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

unsigned digits(std::string_view s, size_t pos, size_t n) {
  unsigned v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + static_cast<unsigned>(s[i] - '0');
  return v;
}

// YYYYMMDD[HHMM[SS]][Z], UTC.
Result<int64_t> parseAbsolute(std::string_view s, std::string_view spec) {
  if (!s.empty() && s.back() == 'Z') s.remove_suffix(1);
  if (s.size() != 8 && s.size() != 12 && s.size() != 14)
    return bad(spec, "'" + std::string(s) + "' is not YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS");
  for (char c : s)
    if (c < '0' || c > '9') return bad(spec, "'" + std::string(s) + "' contains a non-digit");
  int64_t y = digits(s, 0, 4);
  unsigned mo = digits(s, 4, 2), d = digits(s, 6, 2);
  unsigned h = s.size() > 8 ? digits(s, 8, 2) : 0, mi = s.size() > 8 ? digits(s, 10, 2) : 0;
  unsigned sec = s.size() > 12 ? digits(s, 12, 2) : 0;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59)
    return bad(spec, "'" + std::string(s) + "' is not a valid date and time from 1970 on");
  return daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
}

Result<int64_t> parseHex(std::string_view s, std::string_view spec) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v > static_cast<uint64_t>(kMaxSeconds))
    return bad(spec, "'0x" + std::string(s) + "' is not a hexadecimal time");
  return static_cast<int64_t>(v);
}

// One side of the interval, as seconds since the epoch (may be negative
// before the caller's range check).
Result<int64_t> parseTime(std::string_view s, int64_t now, std::string_view spec) {
  if (s.empty()) return bad(spec, "a time is missing");
  if (s[0] == '+' || s[0] == '-') {
    SSHCA_ASSIGN_OR_RETURN(int64_t d, parseDuration(s.substr(1), spec));
    return s[0] == '+' ? now + d : now - d;
  }
  if (s.starts_with("0x")) return parseHex(s.substr(2), spec);
  return parseAbsolute(s, spec);
}

Result<uint64_t> parseStart(std::string_view s, int64_t now, std::string_view spec) {
  if (s == "always") return uint64_t{0};
  if (s == "forever") return bad(spec, "'forever' can only end an interval");
  SSHCA_ASSIGN_OR_RETURN(int64_t t, parseTime(s, now, spec));
  if (t < 0) return bad(spec, "start is before 1970");
  return static_cast<uint64_t>(t);
}

Result<uint64_t> parseEnd(std::string_view s, int64_t now, std::string_view spec) {
  if (s == "forever") return UINT64_MAX;
  if (s == "always") return bad(spec, "'always' can only start an interval");
  SSHCA_ASSIGN_OR_RETURN(int64_t t, parseTime(s, now, spec));
  if (t < 0) return bad(spec, "end is before 1970");
  return static_cast<uint64_t>(t);
}

}  // namespace

Result<Validity> parseValiditySpec(std::string_view spec, int64_t now, int64_t backdateSeconds) {
  if (now < 0 || now > kMaxSeconds || backdateSeconds < 0 || backdateSeconds > now)
    return makeError(ErrorCode::InvalidArgument, "validity: now or backdate out of range");
  size_t colon = spec.find(':');
  Validity v{};
  if (colon == std::string_view::npos) {
    v.validAfter = static_cast<uint64_t>(now - backdateSeconds);
    SSHCA_ASSIGN_OR_RETURN(v.validBefore, parseEnd(spec, now, spec));
  } else {
    if (spec.find(':', colon + 1) != std::string_view::npos) return bad(spec, "more than one ':'");
    SSHCA_ASSIGN_OR_RETURN(v.validAfter, parseStart(spec.substr(0, colon), now, spec));
    SSHCA_ASSIGN_OR_RETURN(v.validBefore, parseEnd(spec.substr(colon + 1), now, spec));
  }
  if (v.validBefore <= v.validAfter)
    return bad(spec, "end " + std::to_string(v.validBefore) + " is not after start " + std::to_string(v.validAfter));
  return v;
}

}  // namespace sshca::ssh
