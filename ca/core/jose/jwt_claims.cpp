#include "ca/core/jose/jwt_claims.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "ca/core/common/utc_time.h"
#include "ca/core/jose/audience_url.h"

namespace sshca::jose {

namespace {

using Json = nlohmann::json;

// 9999-12-31T23:59:59Z. Later (or negative) NumericDates are refused, so
// arithmetic on them cannot overflow and they always format.
constexpr int64_t kMaxNumericDate = 253402300799;

Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

// A message-safe rendering of a claim value (invalid UTF-8 replaced).
std::string show(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::replace); }

Result<std::string> requiredString(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return refused(std::string("token has no \"") + name + "\" claim");
  if (!it->is_string()) return refused(std::string("claim \"") + name + "\" is not a string");
  return it->get<std::string>();
}

// RFC 7519 §2 NumericDate: seconds since the epoch, fractions allowed
// (rounded down here).
Result<std::optional<int64_t>> numericDate(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<int64_t>{};
  bool inRange = it->is_number() && it->get<double>() >= 0 && it->get<double>() <= static_cast<double>(kMaxNumericDate);
  if (!inRange) return refused(std::string("claim \"") + name + "\" is not a NumericDate");
  if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
  return std::optional<int64_t>(static_cast<int64_t>(std::floor(it->get<double>())));
}

Status checkIssuer(const Json& payload, const ClaimChecks& c) {
  SSHCA_ASSIGN_OR_RETURN(std::string iss, requiredString(payload, "iss"));
  if (iss != c.issuer) return refused("issuer " + show(iss) + " is not " + show(c.issuer));
  return okStatus();
}

// §4.1.3: aud is one string or an array of strings.
Status checkAudience(const Json& payload, const ClaimChecks& c) {
  auto it = payload.find("aud");
  if (it == payload.end()) return refused("token has no \"aud\" claim");
  std::vector<std::string> auds;
  if (it->is_string()) auds.push_back(it->get<std::string>());
  for (const Json& a : it->is_array() ? *it : Json::array()) {
    if (!a.is_string()) return refused("claim \"aud\" holds a value that is not a string");
    auds.push_back(a.get<std::string>());
  }
  if (!it->is_string() && !it->is_array()) return refused("claim \"aud\" is neither a string nor an array");
  auto same = [&](const std::string& a, const std::string& b) {
    return a == b || (c.audienceIgnoresPort && audienceWithoutPort(a) == audienceWithoutPort(b));
  };
  for (const std::string& want : c.audiences)
    for (const std::string& got : auds)
      if (same(got, want)) return okStatus();
  // A CA with many names accepts dozens of audiences: name the first few.
  std::string wanted = c.audiences.size() == 1 ? show(c.audiences[0])
                       : c.audiences.size() <= 4
                           ? "any of " + show(c.audiences)
                           : "any of the " + std::to_string(c.audiences.size()) +
                                 " audiences of this CA and endpoint, e.g. " + show(c.audiences[0]);
  return refused("audience " + show(*it) + " does not include " + wanted);
}

// exp, nbf and iat, each with the leeway on the caller's side of the check.
Status checkTimes(const Json& payload, const ClaimChecks& c) {
  SSHCA_ASSIGN_OR_RETURN(std::optional<int64_t> exp, numericDate(payload, "exp"));
  SSHCA_ASSIGN_OR_RETURN(std::optional<int64_t> nbf, numericDate(payload, "nbf"));
  SSHCA_ASSIGN_OR_RETURN(std::optional<int64_t> iat, numericDate(payload, "iat"));
  // §4.1.4: the current time MUST be before exp.
  if (!exp) return refused("token has no \"exp\" claim");
  if (*exp <= c.now - c.leewaySeconds) return refused("token expired at " + formatUtc(*exp));
  // §4.1.5: not accepted before nbf.
  if (nbf && *nbf > c.now + c.leewaySeconds) return refused("token is not valid before " + formatUtc(*nbf) + " (nbf)");
  if (iat && *iat > c.now + c.leewaySeconds)
    return refused("token was issued in the future, at " + formatUtc(*iat) + " (iat)");
  int64_t start = nbf ? *nbf : iat ? *iat : c.now;
  if (c.maxLifetimeSeconds > 0 && *exp - start > c.maxLifetimeSeconds)
    return refused("token lifetime of " + std::to_string(*exp - start) + "s exceeds the limit of " +
                   std::to_string(c.maxLifetimeSeconds) + "s (exp)");
  return okStatus();
}

Status checkJti(const Json& payload, const ClaimChecks& c) {
  if (!c.requireJti) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(std::string jti, requiredString(payload, "jti"));
  if (jti.empty()) return refused("claim \"jti\" is empty");
  if (jti.size() > kMaxJtiLength)
    return refused("claim \"jti\" is longer than " + std::to_string(kMaxJtiLength) + " characters");
  return okStatus();
}

Status checkSubject(const Json& payload, const ClaimChecks& c) {
  if (!c.subject) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(std::string sub, requiredString(payload, "sub"));
  if (sub != *c.subject) return refused("subject " + show(sub) + " is not " + show(*c.subject));
  return okStatus();
}

}  // namespace

Status checkClaims(const Json& payload, const ClaimChecks& checks) {
  if (checks.issuer.empty() || checks.audiences.empty())
    return makeError(ErrorCode::InvalidArgument, "claim checks need an issuer and at least one audience");
  if (!payload.is_object()) return refused("token claims are not a JSON object");
  SSHCA_RETURN_IF_ERROR(checkIssuer(payload, checks));
  SSHCA_RETURN_IF_ERROR(checkAudience(payload, checks));
  SSHCA_RETURN_IF_ERROR(checkTimes(payload, checks));
  SSHCA_RETURN_IF_ERROR(checkJti(payload, checks));
  SSHCA_RETURN_IF_ERROR(checkSubject(payload, checks));
  return okStatus();
}

}  // namespace sshca::jose
