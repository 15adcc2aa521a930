#include "ca/service/config/oidc_config.h"

#include <algorithm>
#include <array>

namespace sshca::config {
namespace {

using nlohmann::json;

Error bad(const std::string& field, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "ca.json: " + field + ": " + why);
}

Result<std::vector<std::string>> stringList(const json& p, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = p.find(key);
  if (it == p.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(where + key, "must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty())
      return bad(where + key, "must be a list of non-empty strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::string> string(const json& p, const char* key, const std::string& where, bool required) {
  auto it = p.find(key);
  if (it == p.end() || it->is_null()) {
    if (required) return bad(where + key, "is required");
    return std::string();
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty()))
    return bad(where + key, required ? "must be a non-empty string" : "must be a string");
  return it->get<std::string>();
}

Status readGroups(const json& p, const std::string& where, policy::PrincipalRules& rules) {
  auto it = p.find("groups");
  if (it == p.end() || it->is_null()) return okStatus();
  if (!it->is_object()) return bad(where + "groups", "must be an object: group -> list of principals");
  for (const auto& [group, principals] : it->items()) {
    SSHCA_ASSIGN_OR_RETURN(auto list, stringList(*it, group.c_str(), where + "groups."));
    if (!principals.is_array()) return bad(where + "groups." + group, "must be a list of principals");
    rules.groups[group] = std::move(list);
  }
  return okStatus();
}

Status readRules(const json& p, const std::string& where, policy::PrincipalRules& rules) {
  if (p.contains("principalClaims")) {
    SSHCA_ASSIGN_OR_RETURN(auto names, stringList(p, "principalClaims", where));
    rules.claims.clear();
    for (const auto& n : names) {
      auto c = policy::parsePrincipalClaim(n);
      if (!c.ok()) return bad(where + "principalClaims", c.error().message);
      rules.claims.push_back(*c);
    }
  }
  SSHCA_RETURN_IF_ERROR(readGroups(p, where, rules));
  SSHCA_ASSIGN_OR_RETURN(rules.allowedDomains, stringList(p, "domains", where));
  SSHCA_ASSIGN_OR_RETURN(rules.requiredGroups, stringList(p, "requiredGroups", where));
  if (auto it = p.find("requireEmailVerified"); it != p.end() && !it->is_null()) {
    if (!it->is_boolean()) return bad(where + "requireEmailVerified", "must be true or false");
    rules.requireEmailVerified = it->get<bool>();
  }
  if (rules.claims.empty() && rules.groups.empty())
    return bad(where + "principalClaims", "no principal rule: give principalClaims or groups");
  return okStatus();
}

bool isLoopbackHost(const std::string& host) {
  return host == "127.0.0.1" || host == "[::1]" || host == "localhost" || host.starts_with("127.");
}

}  // namespace

bool isAllowedOidcAlgorithm(const std::string& alg) {
  static constexpr std::array<std::string_view, 9> kAllowed{"RS256", "RS384", "RS512", "PS256", "PS384",
                                                            "PS512", "ES256", "ES384", "ES512"};
  return std::find(kAllowed.begin(), kAllowed.end(), alg) != kAllowed.end();
}

Status checkIssuerUrl(const std::string& url) {
  auto fail = [&](const std::string& why) {
    return makeError(ErrorCode::InvalidArgument, "issuer '" + url + "' " + why);
  };
  bool https = url.starts_with("https://");
  bool http = url.starts_with("http://");
  if (!https && !http) return fail("is not an https URL");
  std::string rest = url.substr(https ? 8 : 7);
  std::string authority = rest.substr(0, rest.find('/'));
  if (authority.empty()) return fail("has no host");
  if (url.find_first_of("?#") != std::string::npos) return fail("must not have a query or fragment");
  std::string host =
      authority[0] == '[' ? authority.substr(0, authority.find(']') + 1) : authority.substr(0, authority.find(':'));
  if (http && !isLoopbackHost(host))
    return fail("uses plain http: only https is accepted, or http on a loopback address (tests)");
  return okStatus();
}

Result<OidcConfig> readOidcConfig(const json& p, const std::string& where) {
  OidcConfig c;
  SSHCA_ASSIGN_OR_RETURN(c.issuer, string(p, "issuer", where, true));
  if (auto s = checkIssuerUrl(c.issuer); !s.ok()) return bad(where + "issuer", s.error().message);
  SSHCA_ASSIGN_OR_RETURN(c.clientId, string(p, "clientID", where, true));
  if (p.contains("algorithms")) {
    SSHCA_ASSIGN_OR_RETURN(c.algorithms, stringList(p, "algorithms", where));
    if (c.algorithms.empty()) return bad(where + "algorithms", "must not be empty");
    for (const auto& a : c.algorithms)
      if (!isAllowedOidcAlgorithm(a))
        return bad(where + "algorithms", "'" + a + "' is not an accepted asymmetric JWS algorithm");
  }
  SSHCA_RETURN_IF_ERROR(readRules(p, where, c.rules));
  return c;
}

void writeOidcConfig(const OidcConfig& c, json& out) {
  out["issuer"] = c.issuer;
  out["clientID"] = c.clientId;
  out["algorithms"] = c.algorithms;
  json claims = json::array();
  for (auto claim : c.rules.claims) claims.push_back(std::string(policy::principalClaimName(claim)));
  out["principalClaims"] = claims;
  out["groups"] = c.rules.groups;
  out["domains"] = c.rules.allowedDomains;
  out["requiredGroups"] = c.rules.requiredGroups;
  out["requireEmailVerified"] = c.rules.requireEmailVerified;
}

}  // namespace sshca::config
