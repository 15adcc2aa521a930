#include "ca/core/common/time_duration.h"

#include <string>

#include "ca/core/common/utc_time.h"

namespace sshca {
namespace {

constexpr long double kNanosPerSecond = 1e9L;
// Go refuses durations beyond int64 nanoseconds (about 292 years).
constexpr long double kMaxNanos = 9.2e18L;

Error bad(std::string_view what) { return makeError(ErrorCode::InvalidArgument, std::string(what)); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Nanoseconds per unit, or 0 for an unknown unit. Longest match first.
long double unitNanos(std::string_view s, size_t& pos) {
  static const std::pair<std::string_view, long double> kUnits[] = {
      {"ns", 1},    {"us", 1e3L}, {"\xC2\xB5s", 1e3L}, {"\xCE\xBCs", 1e3L},
      {"ms", 1e6L}, {"s", 1e9L},  {"m", 60e9L},        {"h", 3600e9L}};
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

}  // namespace

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

Result<int64_t> parseTimeOrDuration(std::string_view text, int64_t now) {
  auto absolute = parseRfc3339(text);
  if (absolute.ok()) return *absolute;
  auto relative = parseGoDuration(text);
  if (!relative.ok()) return bad("neither an RFC 3339 time nor a duration like \"5m\"");
  return now + *relative;
}

}  // namespace sshca
