// The validity strings of POST /ssh/sign as step clients send them
// (docs/protocol/tokens.md): an RFC 3339 time ("2026-01-02T03:04:05Z") or a Go duration
// relative to now ("5m", "-1h", "1h30m"). Pure: now is an argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/core/common/time_duration.h"

namespace sshca::authority {

// Seconds since the epoch; nullopt for an empty string (the token and the
// policy decide). InvalidArgument, naming `field`, for anything else that
// is not a time or a duration, or a time before 1970.
Result<std::optional<uint64_t>> parseRequestTime(std::string_view text, int64_t now, std::string_view field);

// Go's duration syntax alone: sshca::parseGoDuration (common/time_duration.h).

}  // namespace sshca::authority
