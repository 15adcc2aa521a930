// Certificate validity intervals in ssh-keygen -V syntax (ssh-keygen(1)).
#pragma once

#include <cstdint>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::ssh {

struct Validity {
  uint64_t validAfter;
  uint64_t validBefore;
};

// "start:end" or a single "end" (then start = now - backdateSeconds).
// Each time is one of:
//   +/-TIME   relative to now; TIME is number[unit]... with units s m h d w
//             (case-insensitive), combinable ("+1w2d"); a bare number is seconds
//   YYYYMMDD, YYYYMMDDHHMM, YYYYMMDDHHMMSS   absolute, always UTC (unlike
//             ssh-keygen, which uses local time unless suffixed with Z; a
//             trailing Z is accepted)
//   0xHEX     seconds since the epoch
//   always    (start only) 0;  forever (end only) UINT64_MAX
// Refuses garbage, times before 1970, and end <= start.
Result<Validity> parseValiditySpec(std::string_view spec, int64_t now, int64_t backdateSeconds);

}  // namespace sshca::ssh
