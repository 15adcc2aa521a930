// UTC times as text: RFC 3339 in and out, and the civil-date arithmetic
// behind it (no timegm: it depends on the process's TZ handling).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca {

// Seconds since the epoch -> "2026-01-02T03:04:05Z".
std::string formatUtc(int64_t seconds);

// RFC 3339 date-time (e.g. "2026-01-02T03:04:05Z", "...05.5+02:00",
// lower-case t/z accepted) -> seconds since the epoch, fractions dropped.
// InvalidArgument for anything else.
Result<int64_t> parseRfc3339(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t daysFromCivil(int64_t year, int64_t month, int64_t day);

}  // namespace sshca
