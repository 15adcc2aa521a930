#include "ca/core/common/utc_time.h"

#include <ctime>

namespace sshca {
namespace {

// Reads exactly `n` ASCII digits at `pos`.
bool readDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

struct Civil {
  int year, month, day, hour, minute, second;
};

// "YYYY-MM-DDTHH:MM:SS" (RFC 3339 §5.6 date-time up to time-second).
bool readCivil(std::string_view s, Civil& c) {
  bool shape = readDigits(s, 0, 4, c.year) && s.size() > 4 && s[4] == '-' && readDigits(s, 5, 2, c.month) &&
               s.size() > 7 && s[7] == '-' && readDigits(s, 8, 2, c.day) && s.size() > 10 &&
               (s[10] == 'T' || s[10] == 't') && readDigits(s, 11, 2, c.hour) && s.size() > 13 && s[13] == ':' &&
               readDigits(s, 14, 2, c.minute) && s.size() > 16 && s[16] == ':' && readDigits(s, 17, 2, c.second);
  if (!shape || c.month < 1 || c.month > 12) return false;
  return c.day >= 1 && c.day <= daysInMonth(c.year, c.month) && c.hour < 24 && c.minute < 60 && c.second < 60;
}

// The rest after the seconds: optional ".digits", then "Z" or "±HH:MM".
bool readOffset(std::string_view s, size_t pos, int64_t& offsetSeconds) {
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return false;
  }
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    offsetSeconds = 0;
    return true;
  }
  int hh = 0, mm = 0;
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || !readDigits(s, pos + 1, 2, hh) || s[pos + 3] != ':' ||
      !readDigits(s, pos + 4, 2, mm) || hh > 23 || mm > 59)
    return false;
  offsetSeconds = (s[pos] == '-' ? -1 : 1) * int64_t{hh * 3600 + mm * 60};
  return true;
}

}  // namespace

std::string formatUtc(int64_t seconds) {
  std::time_t tt = static_cast<std::time_t>(seconds);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil): no timegm, which depends on the process's TZ handling.
int64_t daysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Result<int64_t> parseRfc3339(std::string_view text) {
  Civil c{};
  int64_t offset = 0;
  if (!readCivil(text, c) || !readOffset(text, 19, offset))
    return makeError(ErrorCode::InvalidArgument, "not an RFC 3339 time (expected e.g. 2026-01-02T03:04:05Z)");
  return daysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second - offset;
}

}  // namespace sshca
