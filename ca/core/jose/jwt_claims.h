// Validation of the registered JWT claims (RFC 7519 §4.1) that every
// sshca token carries. Time is an argument: the caller reads the clock
// (or a test fixes it), this code never does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"

namespace sshca::jose {

// Longer jti values are refused: they become database keys (replay store).
inline constexpr size_t kMaxJtiLength = 256;

struct ClaimChecks {
  std::string issuer;                  // "iss" must equal this (§4.1.1)
  std::vector<std::string> audiences;  // "aud" must contain any one of these (§4.1.3)
  bool audienceIgnoresPort = false;    // compare them without their ports (audience_url.h)
  int64_t now = 0;                     // seconds since the epoch
  int64_t leewaySeconds = 60;          // clock skew allowed on exp, nbf, iat (step-ca's 1 minute)
  bool requireJti = true;              // one-time tokens need their id (§4.1.7)
  std::optional<std::string> subject;  // when set, "sub" must equal it (§4.1.2)
  int64_t maxLifetimeSeconds = 0;      // exp minus (nbf, else iat, else now); 0 = no cap
};

// Checks the claims of a verified payload. Every refusal is
// Unauthenticated with a message naming the claim ("token expired at
// 2026-01-02T03:04:05Z", "audience \"x\" does not include \"y\"").
// InvalidArgument if `checks` has no issuer or no audience: an empty
// expectation must not accept everything.
Status checkClaims(const nlohmann::json& payload, const ClaimChecks& checks);

}  // namespace sshca::jose
