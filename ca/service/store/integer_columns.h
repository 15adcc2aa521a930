// How unsigned 64-bit values live in the signed 64-bit integer columns of
// SQLite and PostgreSQL (bigint), the same way in both so that records move
// between them unchanged (sshca db migrate).
#pragma once

#include <cstdint>
#include <limits>

namespace sshca::store {

// A serial is stored as the same 64 bits read as signed: the whole uint64
// range round trips and uniqueness is unaffected.
inline int64_t serialToColumn(uint64_t serial) { return static_cast<int64_t>(serial); }
inline uint64_t serialFromColumn(int64_t column) { return static_cast<uint64_t>(column); }

// A validity bound past INT64_MAX seconds is "forever" (UINT64_MAX is forever
// by definition): stored as INT64_MAX so that comparisons with `now` stay
// right, read back as UINT64_MAX.
inline int64_t timeToColumn(uint64_t t) {
  constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(t < kMax ? t : kMax);
}
inline uint64_t timeFromColumn(int64_t column) {
  if (column == std::numeric_limits<int64_t>::max()) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(column);
}

}  // namespace sshca::store
