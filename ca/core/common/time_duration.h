// step's TimeDuration: a time written either as RFC 3339
// ("2026-01-02T03:04:05Z") or as a Go duration relative to now ("5m",
// "-1h", "1h30m", "2h0m0s"), as step clients send validity bounds in
// request bodies and in tokens. Pure: now is an argument.
#pragma once

#include <cstdint>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca {

// Go's time.ParseDuration syntax, in whole seconds (truncated toward zero):
// optional sign, then number[.fraction]unit... with units ns us µs ms s m h.
Result<int64_t> parseGoDuration(std::string_view text);

// Seconds since the epoch: the RFC 3339 time, or now plus the duration.
// InvalidArgument for anything else (the caller names the field).
Result<int64_t> parseTimeOrDuration(std::string_view text, int64_t now);

}  // namespace sshca
