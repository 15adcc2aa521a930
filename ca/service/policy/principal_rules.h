// Which principals an identity established by an identity provider (OIDC)
// gets: the one place that maps email, preferred_username, sub and groups
// to SSH principals, and refuses identities the provisioner's rules leave
// out (unverified email, foreign domain, missing group). Pure.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/policy/identity.h"

namespace sshca::policy {

// Principals taken from a claim of the identity.
enum class PrincipalClaim {
  EmailLocal,           // "alice" from alice@example.com, as is
  EmailLocalSanitized,  // lower case, "+tag" dropped, other characters outside [a-z0-9._-] -> '_'
  PreferredUsername,    // preferred_username, as is
  Subject,              // sub, as is
};

struct PrincipalRules {
  std::vector<PrincipalClaim> claims;
  std::map<std::string, std::vector<std::string>> groups;  // group -> principals it grants
  std::vector<std::string> allowedDomains;                 // email domains; empty = any
  std::vector<std::string> requiredGroups;                 // the identity must be in each
  bool requireEmailVerified = true;
};

// The names used in ca.json and on the command line: "email-local",
// "email-local-sanitized", "preferred_username", "sub".
Result<PrincipalClaim> parsePrincipalClaim(std::string_view name);
std::string_view principalClaimName(PrincipalClaim claim);

// The principals `who` gets, in rule order without duplicates: first the
// claim rules, then the groups. A claim value that is not a usable
// principal (whitespace, commas, wildcards, control characters) is
// skipped. PermissionDenied naming the reason when the email is not
// verified (and required), its domain is not allowed, a required group is
// missing, or no rule gives any principal.
Result<std::vector<std::string>> principalsFor(const Identity& who, const PrincipalRules& rules);

// The sanitized local part of an email address ("" when nothing usable).
std::string sanitizedEmailLocal(std::string_view email);

}  // namespace sshca::policy
