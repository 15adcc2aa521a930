#include "ca/service/authority/request_time.h"

#include <string>

#include "ca/core/common/time_duration.h"

namespace sshca::authority {

Result<std::optional<uint64_t>> parseRequestTime(std::string_view text, int64_t now, std::string_view field) {
  if (text.empty()) return std::optional<uint64_t>();
  auto at = parseTimeOrDuration(text, now);
  if (!at.ok())
    return makeError(ErrorCode::InvalidArgument,
                     "field \"" + std::string(field) + "\" is neither an RFC 3339 time nor a duration like \"5m\"");
  if (*at < 0) return makeError(ErrorCode::InvalidArgument, "field \"" + std::string(field) + "\" is before 1970");
  return std::optional<uint64_t>(static_cast<uint64_t>(*at));
}

}  // namespace sshca::authority
