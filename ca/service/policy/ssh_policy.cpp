#include "ca/service/policy/ssh_policy.h"

#include <fnmatch.h>

#include <algorithm>

#include "ca/core/common/quote_caller.h"
#include "ca/core/common/utc_time.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/validity_spec.h"

namespace sshca::policy {
namespace {

Error denied(std::string why) { return makeError(ErrorCode::PermissionDenied, std::move(why)); }

const char* typeName(ssh::CertType t) { return t == ssh::CertType::User ? "user" : "host"; }

// Requested principals must all be in the credential's list; none requested
// means all of them. Never widens.
Result<std::vector<std::string>> choosePrincipals(const Identity& who, const SshSignRequest& req) {
  if (who.principals.empty()) return denied("the credential of " + quoteCaller(who.subject) + " names no principals");
  if (req.principals.empty()) return who.principals;
  for (const auto& p : req.principals) {
    if (std::find(who.principals.begin(), who.principals.end(), p) == who.principals.end())
      return denied("principal " + quoteCaller(p) + " is not allowed for " + quoteCaller(who.subject));
  }
  return req.principals;
}

Status checkPatterns(const std::vector<std::string>& principals, const SshTypePolicy& tp) {
  if (tp.allowedPrincipalPatterns.empty()) return okStatus();
  for (const auto& p : principals) {
    bool ok = std::any_of(tp.allowedPrincipalPatterns.begin(), tp.allowedPrincipalPatterns.end(),
                          [&](const std::string& pat) { return fnmatch(pat.c_str(), p.c_str(), 0) == 0; });
    if (!ok) return denied("principal " + quoteCaller(p) + " matches no allowed pattern of the provisioner");
  }
  return okStatus();
}

// How far a requested start may lie ahead of the CA's clock: a client
// whose clock runs a little fast asks for "its now".
constexpr uint64_t kClientClockAheadSeconds = 60;

// A start in the future is the credential's to set (an enrollment token's
// validity), never the request's alone: a certificate dated ahead would
// still work after its holder lost the identity that got it.
Status checkStartNotAhead(const Identity& who, const SshSignRequest& req, uint64_t now) {
  if (!req.validAfter) return okStatus();
  uint64_t latest = std::max(now + kClientClockAheadSeconds, who.validAfter.value_or(0));
  if (*req.validAfter <= latest) return okStatus();
  return denied("requested validity starts at " + formatUtc(static_cast<int64_t>(*req.validAfter)) +
                ", in the future: certificates start now unless the credential says otherwise");
}

// Start: the request's or now-backdate, never earlier than now-backdate nor
// than the credential allows, nor later than now unless the credential
// allows. End: the request's or the default length counted from now (or
// from a start in the future), capped by the maximum and the credential.
// The backdate lies before "now" and does not count against the length:
// a 16h certificate asked for now ends 16h from now, as step-ca's does.
Result<ssh::Validity> chooseValidity(const Identity& who, const SshSignRequest& req, const SshTypePolicy& tp,
                                     uint64_t backdate, uint64_t now) {
  SSHCA_RETURN_IF_ERROR(checkStartNotAhead(who, req, now));
  uint64_t earliest = now > backdate ? now - backdate : 0;
  uint64_t start = std::max(req.validAfter.value_or(earliest), earliest);
  if (who.validAfter) start = std::max(start, *who.validAfter);
  uint64_t from = std::max(start, now);
  uint64_t end = req.validBefore.value_or(from + tp.defaultValiditySeconds);
  if (who.validBefore && end > *who.validBefore) {
    if (req.validBefore) return denied("requested validity ends after the credential allows");
    end = *who.validBefore;
  }
  if (end <= start) return makeError(ErrorCode::InvalidArgument, "validity ends before it starts");
  if (end > from && end - from > tp.maxValiditySeconds)
    return denied("requested validity of " + std::to_string(end - from) + " s exceeds the maximum of " +
                  std::to_string(tp.maxValiditySeconds) + " s");
  return ssh::Validity{start, end};
}

}  // namespace

std::string certificateKeyId(const Identity& who) { return who.subject + " (" + who.provisioner + ")"; }

Result<ssh::CertTemplate> applySshPolicy(const Identity& who, const SshSignRequest& req, const SshPolicy& policy,
                                         uint64_t now) {
  if (req.certType != who.certType)
    return denied(std::string("the credential allows a ") + typeName(who.certType) + " certificate, not a " +
                  typeName(req.certType) + " certificate");
  if (!req.keyId.empty() && req.keyId != who.subject)
    return denied("key ID " + quoteCaller(req.keyId) + " does not match the authenticated subject " +
                  quoteCaller(who.subject));
  const SshTypePolicy& tp = req.certType == ssh::CertType::User ? policy.user : policy.host;
  SSHCA_ASSIGN_OR_RETURN(auto principals, choosePrincipals(who, req));
  SSHCA_RETURN_IF_ERROR(checkPatterns(principals, tp));
  SSHCA_ASSIGN_OR_RETURN(auto validity, chooseValidity(who, req, tp, policy.backdateSeconds, now));
  ssh::CertTemplate t{.key = req.key};
  t.type = req.certType;
  t.keyId = certificateKeyId(who);
  t.principals = std::move(principals);
  t.validAfter = validity.validAfter;
  t.validBefore = validity.validBefore;
  t.extensions = tp.extensions;
  t.criticalOptions = tp.criticalOptions;
  SSHCA_RETURN_IF_ERROR(ssh::validateTemplate(t));
  return t;
}

}  // namespace sshca::policy
