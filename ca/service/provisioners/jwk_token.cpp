#include "ca/service/provisioners/jwk_token.h"

#include <ctime>

#include "ca/core/common/time_duration.h"
#include "ca/core/common/utc_time.h"
#include "ca/core/jose/jti.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"

namespace sshca::provisioners {

namespace {

using Json = nlohmann::json;

Error badRequest(std::string message) { return makeError(ErrorCode::InvalidArgument, "JWK token: " + message); }
Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

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
  if (r.validAfter) ssh["validAfter"] = formatUtc(static_cast<int64_t>(*r.validAfter));
  if (r.validBefore) ssh["validBefore"] = formatUtc(static_cast<int64_t>(*r.validBefore));
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

// step's CLI leaves keyID empty (the subject is the key ID) and may leave
// the principals out (then the subject is the one principal), as step-ca
// reads them; absent and null mean the same.
Result<std::string> readKeyId(const Json& ssh) {
  auto it = ssh.find("keyID");
  if (it == ssh.end() || it->is_null()) return std::string();
  if (!it->is_string()) return refused("step.ssh.keyID is not a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> readPrincipals(const Json& ssh) {
  auto it = ssh.find("principals");
  if (it == ssh.end() || it->is_null()) return std::vector<std::string>{};
  if (!it->is_array()) return refused("step.ssh.principals is not a list");
  std::vector<std::string> out;
  for (const Json& p : *it) {
    if (!p.is_string() || p.get_ref<const std::string&>().empty())
      return refused("step.ssh.principals holds a value that is not a non-empty string");
    out.push_back(p.get<std::string>());
  }
  return out;
}

// Absent, null and "" (step's unset TimeDuration) mean no bound. A
// duration ("2h0m0s", what `step ssh certificate --not-after 2h` writes)
// counts from now, the moment the CA reads the token, as step-ca counts it.
Result<std::optional<uint64_t>> readTime(const Json& ssh, const char* name, int64_t now) {
  auto it = ssh.find(name);
  if (it == ssh.end() || it->is_null() || (it->is_string() && it->get_ref<const std::string&>().empty()))
    return std::optional<uint64_t>{};
  if (!it->is_string()) return refused(std::string("step.ssh.") + name + " is not a string");
  auto t = parseTimeOrDuration(it->get_ref<const std::string&>(), now);
  if (!t.ok() || *t < 0)
    return refused(std::string("step.ssh.") + name +
                   " is neither an RFC 3339 time after 1970 nor a duration like \"2h\"");
  return std::optional<uint64_t>(static_cast<uint64_t>(*t));
}

}  // namespace

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

Result<StepSshClaim> parseStepSshClaim(const Json& payload, int64_t now) {
  auto step = payload.find("step");
  if (step == payload.end() || !step->is_object()) return refused("token has no \"step\" claim object");
  auto ssh = step->find("ssh");
  if (ssh == step->end() || !ssh->is_object()) return refused("token has no \"step.ssh\" claim object");
  StepSshClaim out;
  SSHCA_ASSIGN_OR_RETURN(out.certType, readCertType(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.keyId, readKeyId(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.principals, readPrincipals(*ssh));
  SSHCA_ASSIGN_OR_RETURN(out.validAfter, readTime(*ssh, "validAfter", now));
  SSHCA_ASSIGN_OR_RETURN(out.validBefore, readTime(*ssh, "validBefore", now));
  return out;
}

}  // namespace sshca::provisioners
