#include "authority/request_time.h"

#include <cctype>
#include <ctime>
#include <string>

namespace sshca::authority {
namespace {

constexpr long double kNanosPerSecond = 1e9L;
// Go refuses durations beyond int64 nanoseconds (about 292 years).
constexpr long double kMaxNanos = 9.2e18L;

Error bad(std::string_view what) { return makeError(ErrorCode::InvalidArgument, std::string(what)); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`; -1 if they are not there.
int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!isDigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Nanoseconds per unit, or 0 for an unknown unit. Longest match first.
long double unitNanos(std::string_view s, size_t& pos) {
  static const std::pair<std::string_view, long double> kUnits[] = {
      {"ns", 1}, {"us", 1e3L}, {"\xC2\xB5s", 1e3L}, {"\xCE\xBCs", 1e3L}, {"ms", 1e6L},
      {"s", 1e9L}, {"m", 60e9L}, {"h", 3600e9L}};
  for (const auto& [name, nanos] : kUnits) {
    if (s.substr(pos, name.size()) == name) {
      pos += name.size();
      return nanos;
    }
  }
  return 0;
}

// One "number[.fraction]unit" element of a duration, in nanoseconds.
Result<long double> durationElement(std::string_view s, size_t& pos) {
  long double whole = 0, fraction = 0, scale = 1;
  bool any = false;
  for (; pos < s.size() && isDigit(s[pos]); ++pos, any = true) whole = whole * 10 + (s[pos] - '0');
  if (pos < s.size() && s[pos] == '.') {
    for (++pos; pos < s.size() && isDigit(s[pos]); ++pos, any = true) {
      scale /= 10;
      fraction += (s[pos] - '0') * scale;
    }
  }
  if (!any) return bad("a number is missing");
  long double unit = unitNanos(s, pos);
  if (unit == 0) return bad("a unit (ns, us, ms, s, m, h) is missing or unknown");
  return (whole + fraction) * unit;
}

// "Z" or "+hh:mm" / "-hh:mm" -> offset east of UTC in seconds.
Result<int64_t> zoneOffset(std::string_view zone) {
  if (zone == "Z" || zone == "z") return int64_t{0};
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return bad("bad time zone");
  int hh = digits(zone, 1, 2), mm = digits(zone, 4, 2);
  if (hh < 0 || mm < 0 || hh > 23 || mm > 59) return bad("bad time zone");
  int64_t off = hh * 3600 + mm * 60;
  return zone[0] == '-' ? -off : off;
}

// Skips ".digits" after the seconds; RFC 3339 requires at least one digit.
Result<size_t> skipFraction(std::string_view s, size_t pos) {
  if (pos >= s.size() || s[pos] != '.') return pos;
  size_t start = ++pos;
  while (pos < s.size() && isDigit(s[pos])) ++pos;
  if (pos == start) return bad("empty fraction of a second");
  return pos;
}

bool validDate(int y, int mon, int d, int h, int min, int sec) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon < 1 || mon > 12 || d < 1 || d > kDays[mon - 1] || h > 23 || min > 59 || sec > 60) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(mon == 2 && d == 29 && !leap);
}

}  // namespace

Result<int64_t> parseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)
  int y = digits(s, 0, 4), mon = digits(s, 5, 2), d = digits(s, 8, 2);
  int h = digits(s, 11, 2), min = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (y < 0 || mon < 0 || d < 0 || h < 0 || min < 0 || sec < 0 || s[4] != '-' || s[7] != '-' ||
      (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return bad("not an RFC 3339 time");
  if (!validDate(y, mon, d, h, min, sec)) return bad("not a valid date and time");
  SSHCA_ASSIGN_OR_RETURN(size_t pos, skipFraction(s, 19));
  SSHCA_ASSIGN_OR_RETURN(int64_t offset, zoneOffset(s.substr(pos)));
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = min;
  tm.tm_sec = sec == 60 ? 59 : sec;  // a leap second counts as its minute's last
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

Result<int64_t> parseGoDuration(std::string_view s) {
  bool negative = false;
  size_t pos = 0;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) negative = s[pos++] == '-';
  if (s.substr(pos) == "0") return int64_t{0};  // Go allows a bare zero
  if (pos == s.size()) return bad("empty duration");
  long double nanos = 0;
  while (pos < s.size()) {
    SSHCA_ASSIGN_OR_RETURN(long double element, durationElement(s, pos));
    nanos += element;
    if (nanos > kMaxNanos) return bad("duration too long");
  }
  auto seconds = static_cast<int64_t>(nanos / kNanosPerSecond);
  return negative ? -seconds : seconds;
}

Result<std::optional<uint64_t>> parseRequestTime(std::string_view text, int64_t now, std::string_view field) {
  if (text.empty()) return std::optional<uint64_t>();
  auto absolute = parseRfc3339(text);
  int64_t at = 0;
  if (absolute.ok()) {
    at = *absolute;
  } else {
    auto relative = parseGoDuration(text);
    if (!relative.ok())
      return makeError(ErrorCode::InvalidArgument, "field \"" + std::string(field) +
                                                       "\" is neither an RFC 3339 time nor a duration like \"5m\"");
    at = now + *relative;
  }
  if (at < 0) return makeError(ErrorCode::InvalidArgument, "field \"" + std::string(field) + "\" is before 1970");
  return std::optional<uint64_t>(static_cast<uint64_t>(at));
}

}  // namespace sshca::authority
