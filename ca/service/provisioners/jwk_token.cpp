#include "provisioners/jwk_token.h"

#include <ctime>

#include "jose/jti.h"
#include "jose/jwk_thumbprint.h"
#include "jose/jws.h"

namespace sshca::provisioners {

namespace {

using Json = nlohmann::json;

Error badRequest(std::string message) { return makeError(ErrorCode::InvalidArgument, "JWK token: " + message); }
Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

// ---- RFC 3339 ----

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

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil): no timegm, which depends on the process's TZ handling.
int64_t daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
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
  if (pos + 6 != s.size() || (s[pos] != '+' && s[pos] != '-') || !readDigits(s, pos + 1, 2, hh) ||
      s[pos + 3] != ':' || !readDigits(s, pos + 4, 2, mm) || hh > 23 || mm > 59)
    return false;
  offsetSeconds = (s[pos] == '-' ? -1 : 1) * int64_t{hh * 3600 + mm * 60};
  return true;
}

// ---- minting ----

std::string certTypeText(ssh::CertType t) { return t == ssh::CertType::Host ? "host" : "user"; }

Status checkRequest(const JwkTokenRequest& r) {
  if (r.provisionerName.empty()) return badRequest("the provisioner name is empty");
  if (r.caUrl.empty()) return badRequest("the CA URL is empty");
  if (r.subject.empty()) return badRequest("the subject is empty");
  if (r.principals.empty()) return badRequest("no principals given");
  for (const auto& p : r.principals)
    if (p.empty()) return badRequest("a principal is empty");
  if (r.ttlSeconds == 0) return badRequest("the lifetime is zero");
  if (r.now < 0) return badRequest("the current time is negative");
  return okStatus();
}

Json stepSshJson(const JwkTokenRequest& r) {
  Json ssh = {{"certType", certTypeText(r.certType)}, {"keyID", r.subject}, {"principals", r.principals}};
  if (r.validAfter) ssh["validAfter"] = formatRfc3339(*r.validAfter);
  if (r.validBefore) ssh["validBefore"] = formatRfc3339(*r.validBefore);
  return ssh;
}

std::string audienceFor(std::string caUrl) {
  while (!caUrl.empty() && caUrl.back() == '/') caUrl.pop_back();
  return caUrl + kSshSignAudiencePath;
}

Result<Json> claimsFor(const JwkTokenRequest& r, RandomSource& random) {
  SSHCA_ASSIGN_OR_RETURN(std::string jti, jose::newJti(random));
  Json claims = {{"iss", r.provisionerName},
                 {"aud", audienceFor(r.caUrl)},
                 {"sub", r.subject},
                 {"iat", r.now},
                 {"nbf", r.now},
                 {"exp", r.now + static_cast<int64_t>(r.ttlSeconds)},
                 {"jti", jti},
                 {"step", {{"ssh", stepSshJson(r)}}}};
  if (r.rootFingerprint) claims["sha"] = *r.rootFingerprint;
  return claims;
}

// ---- reading step.ssh ----

Result<ssh::CertType> readCertType(const Json& ssh) {
  auto it = ssh.find("certType");
  if (it == ssh.end() || !it->is_string()) return refused("step.ssh.certType is missing or not a string");
  if (*it == "user") return ssh::CertType::User;
  if (*it == "host") return ssh::CertType::Host;
  return refused("step.ssh.certType must be \"user\" or \"host\"");
}

Result<std::string> readKeyId(const Json& ssh) {
  auto it = ssh.find("keyID");
  if (it == ssh.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return refused("step.ssh.keyID is missing or not a non-empty string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> readPrincipals(const Json& ssh) {
  auto it = ssh.find("principals");
  if (it == ssh.end() || !it->is_array()) return refused("step.ssh.principals is missing or not a list");
  if (it->empty()) return refused("step.ssh.principals is empty (the token allows no principal)");
  std::vector<std::string> out;
  for (const Json& p : *it) {
    if (!p.is_string() || p.get_ref<const std::string&>().empty())
      return refused("step.ssh.principals holds a value that is not a non-empty string");
    out.push_back(p.get<std::string>());
  }
  return out;
}

// Absent, null and "" (step's unset TimeDuration) mean no bound.
Result<std::optional<uint64_t>> readTime(const Json& ssh, const char* name) {
  auto it = ssh.find(name);
  if (it == ssh.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty()))
    return std::optional<uint64_t>{};
  if (!it->is_string()) return refused(std::string("step.ssh.") + name + " is not an RFC 3339 string");
  auto t = parseRfc3339(it->get_ref<const std::string&>());
  if (!t.ok()) return refused(std::string("step.ssh.") + name + " is not an RFC 3339 time");
  return std::optional<uint64_t>(*t);
}

}  // namespace

Result<uint64_t> parseRfc3339(std::string_view text) {
  Civil c{};
  int64_t offset = 0;
  if (!readCivil(text, c) || !readOffset(text, 19, offset))
    return makeError(ErrorCode::InvalidArgument, "not an RFC 3339 time (expected e.g. 2026-01-02T03:04:05Z)");
  int64_t t = daysFromCivil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second - offset;
  if (t < 0) return makeError(ErrorCode::InvalidArgument, "RFC 3339 time is before 1970");
  return static_cast<uint64_t>(t);
}

std::string formatRfc3339(uint64_t seconds) {
  std::time_t tt = static_cast<std::time_t>(seconds);
  struct tm tm {};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> mintJwkToken(const JwkTokenRequest& req, const Signer& provisionerKey, RandomSource& random) {
  SSHCA_RETURN_IF_ERROR(checkRequest(req));
  SSHCA_ASSIGN_OR_RETURN(std::string kid, jose::thumbprintSha256(provisionerKey.publicKey()));
  SSHCA_ASSIGN_OR_RETURN(Json claims, claimsFor(req, random));
  // alg is filled in from the key by signCompact.
  Json header = {{"kid", kid}, {"typ", "JWT"}};
  auto token = jose::signCompact(header, claims, provisionerKey);
  if (!token.ok()) return std::move(token).error().context("signing the JWK token");
  return token;
}

Result<StepSshClaim> parseStepSshClaim(const Json& payload) {
  auto step = payload.find("step");
  if (step == payload.end() || !step->is_object()) return refused("token has no \"step\" claim object");
  auto ssh = step->find("ssh");
  if (ssh == step->end() || !ssh->is_object()) return refused("token has no \"step.ssh\" claim object");
  StepSshClaim out;
  SSHCA_ASSIGN_OR_RETURN(out.certType, readCertType(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.keyId, readKeyId(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.principals, readPrincipals(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.validAfter, readTime(*ssh, "validAfter"));
  SSHCA_ASSIGN_OR_RETURN(out.validBefore, readTime(*ssh, "validBefore"));
  return out;
}

}  // namespace sshca::provisioners
