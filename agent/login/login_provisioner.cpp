#include "agent/login/login_provisioner.h"

#include <vector>

#include <nlohmann/json.hpp>

namespace sshca::agent {
namespace {

// The first string member among `names` (step-ca and sshca spell some
// fields differently: clientID / clientId).
std::string firstString(const nlohmann::json& j, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = j.find(n);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return {};
}

// step-ca publishes the discovery URL; the issuer is its prefix.
std::string issuerOf(const nlohmann::json& p) {
  std::string issuer = firstString(p, {"issuer"});
  if (!issuer.empty()) return issuer;
  std::string discovery = firstString(p, {"configurationEndpoint"});
  constexpr std::string_view kSuffix = "/.well-known/openid-configuration";
  if (discovery.size() > kSuffix.size() && discovery.ends_with(kSuffix))
    return discovery.substr(0, discovery.size() - kSuffix.size());
  return {};
}

Result<std::vector<OidcProvisionerInfo>> oidcProvisioners(const CaClient& ca) {
  SSHCA_ASSIGN_OR_RETURN(std::string body, ca.get("/provisioners"));
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("provisioners") || !j["provisioners"].is_array())
    return makeError(ErrorCode::Unavailable, "GET /provisioners: the CA's answer is not a provisioner list");
  std::vector<OidcProvisionerInfo> out;
  for (const auto& p : j["provisioners"]) {
    if (!p.is_object() || firstString(p, {"type"}) != "OIDC") continue;
    out.push_back({firstString(p, {"name"}), issuerOf(p), firstString(p, {"clientID", "clientId", "client_id"})});
  }
  return out;
}

}  // namespace

Result<OidcProvisionerInfo> pickOidcProvisioner(const CaClient& ca, const std::string& wanted) {
  SSHCA_ASSIGN_OR_RETURN(auto all, oidcProvisioners(ca));
  if (all.empty()) return makeError(ErrorCode::NotFound, "the CA has no OIDC provisioner: user login is not set up");
  std::string names;
  const OidcProvisionerInfo* chosen = all.size() == 1 && wanted.empty() ? &all[0] : nullptr;
  for (const auto& p : all) {
    if (!wanted.empty() && p.name == wanted) chosen = &p;
    names += (names.empty() ? "" : ", ") + p.name;
  }
  if (!chosen && !wanted.empty())
    return makeError(ErrorCode::NotFound, "the CA has no OIDC provisioner '" + wanted + "' (it has: " + names + ")");
  if (!chosen)
    return makeError(ErrorCode::InvalidArgument,
                     "the CA has several OIDC provisioners (" + names + "): pick one with --provisioner");
  if (chosen->issuer.empty() || chosen->clientId.empty())
    return makeError(ErrorCode::Unavailable,
                     "the CA publishes no issuer or client ID for provisioner '" + chosen->name + "'");
  return *chosen;
}

}  // namespace sshca::agent
