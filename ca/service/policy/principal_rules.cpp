#include "ca/service/policy/principal_rules.h"

#include <algorithm>

#include "ca/core/common/ascii_case.h"
#include "ca/core/common/quote_caller.h"

namespace sshca::policy {
namespace {

Error denied(std::string why) { return makeError(ErrorCode::PermissionDenied, std::move(why)); }

std::string_view localPart(std::string_view email) {
  size_t at = email.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : email.substr(0, at);
}

std::string domainOf(std::string_view email) {
  size_t at = email.rfind('@');
  return at == std::string_view::npos ? std::string{} : asciiLower(email.substr(at + 1));
}

// The same characters ssh::validateTemplate refuses in user principals,
// checked here so that one bad claim skips that rule instead of failing
// the whole certificate.
bool usablePrincipal(std::string_view p) {
  if (p.empty() || p.size() > 256) return false;
  return std::none_of(p.begin(), p.end(), [](unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == ',' || c == '*' || c == '?' || c == '!';
  });
}

std::string claimValue(const Identity& who, PrincipalClaim claim) {
  switch (claim) {
    case PrincipalClaim::EmailLocal:
      return std::string(localPart(who.email));
    case PrincipalClaim::EmailLocalSanitized:
      return sanitizedEmailLocal(who.email);
    case PrincipalClaim::PreferredUsername:
      return who.preferredUsername;
    case PrincipalClaim::Subject:
      return who.sub;
  }
  return {};
}

bool inGroup(const Identity& who, const std::string& group) {
  return std::find(who.groups.begin(), who.groups.end(), group) != who.groups.end();
}

// Who may ask at all, before any principal is derived.
Status checkAdmission(const Identity& who, const PrincipalRules& rules) {
  const std::string name = who.email.empty() ? who.subject : who.email;
  if (rules.requireEmailVerified && !who.emailVerified)
    return denied("the email address of " + quoteCaller(name) + " is not verified by the identity provider");
  if (!rules.allowedDomains.empty()) {
    std::string domain = domainOf(who.email);
    bool allowed = std::any_of(rules.allowedDomains.begin(), rules.allowedDomains.end(),
                               [&](const std::string& d) { return asciiLower(d) == domain; });
    if (!allowed) return denied("the email domain of " + quoteCaller(name) + " is not one this provisioner accepts");
  }
  for (const auto& g : rules.requiredGroups)
    if (!inGroup(who, g)) return denied(quoteCaller(name) + " is not in the required group " + quoteCaller(g));
  return okStatus();
}

void addUnique(std::vector<std::string>& out, std::string p) {
  if (usablePrincipal(p) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
}

}  // namespace

Result<PrincipalClaim> parsePrincipalClaim(std::string_view name) {
  if (name == "email-local") return PrincipalClaim::EmailLocal;
  if (name == "email-local-sanitized") return PrincipalClaim::EmailLocalSanitized;
  if (name == "preferred_username") return PrincipalClaim::PreferredUsername;
  if (name == "sub") return PrincipalClaim::Subject;
  return makeError(ErrorCode::InvalidArgument,
                   "unknown principal claim " + quoteCaller(name) +
                       " (known: email-local, email-local-sanitized, preferred_username, sub)");
}

std::string_view principalClaimName(PrincipalClaim claim) {
  switch (claim) {
    case PrincipalClaim::EmailLocal:
      return "email-local";
    case PrincipalClaim::EmailLocalSanitized:
      return "email-local-sanitized";
    case PrincipalClaim::PreferredUsername:
      return "preferred_username";
    case PrincipalClaim::Subject:
      return "sub";
  }
  return "";
}

std::string sanitizedEmailLocal(std::string_view email) {
  std::string local = asciiLower(localPart(email));
  if (size_t plus = local.find('+'); plus != std::string::npos) local.erase(plus);
  for (char& c : local) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!keep) c = '_';
  }
  return local;
}

Result<std::vector<std::string>> principalsFor(const Identity& who, const PrincipalRules& rules) {
  SSHCA_RETURN_IF_ERROR(checkAdmission(who, rules));
  std::vector<std::string> out;
  for (PrincipalClaim c : rules.claims) addUnique(out, claimValue(who, c));
  for (const auto& [group, principals] : rules.groups)
    if (inGroup(who, group))
      for (const auto& p : principals) addUnique(out, p);
  if (out.empty())
    return denied("no principal rule of provisioner " + quoteCaller(who.provisioner) + " matches " +
                  quoteCaller(who.email.empty() ? who.subject : who.email));
  return out;
}

}  // namespace sshca::policy
