#include "agent/login/oidc_discovery.h"

#include "agent/login/idp_client.h"

namespace sshca::agent {
namespace {

std::string member(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> tokenAuthMethods(const nlohmann::json& doc) {
  auto it = doc.find("token_endpoint_auth_methods_supported");
  if (it == doc.end() || !it->is_array()) return {"client_secret_basic"};
  std::vector<std::string> out;
  for (const auto& m : *it)
    if (m.is_string()) out.push_back(m.get<std::string>());
  return out;
}

}  // namespace

Result<OidcEndpoints> discoverOidc(const std::string& issuer) {
  std::string base = issuer;
  while (!base.empty() && base.back() == '/') base.pop_back();
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json doc, idpGetJson(base + "/.well-known/openid-configuration"));
  OidcEndpoints out{member(doc, "issuer"), member(doc, "authorization_endpoint"), member(doc, "token_endpoint"),
                    member(doc, "device_authorization_endpoint"), tokenAuthMethods(doc)};
  if (out.issuer != issuer)
    return makeError(ErrorCode::Unauthenticated,
                     "the provider at " + issuer + " calls itself '" + out.issuer + "' in its discovery document");
  if (out.token.empty()) return makeError(ErrorCode::Unavailable, issuer + " publishes no token_endpoint");
  for (const std::string* url : {&out.authorization, &out.token, &out.deviceAuthorization})
    if (!url->empty()) SSHCA_RETURN_IF_ERROR(checkIdpUrl(*url));
  return out;
}

}  // namespace sshca::agent
