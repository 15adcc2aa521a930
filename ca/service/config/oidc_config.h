// The settings of an "oidc" provisioner in ca.json (docs/oidc.md): which
// identity provider and client, which signing algorithms, and the
// principal rules (policy/principal_rules.h) its users are mapped by.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/service/policy/principal_rules.h"

namespace sshca::config {

struct OidcConfig {
  std::string issuer;    // exactly the "iss" of its ID tokens; discovery below it
  std::string clientId;  // "aud" must contain it; "azp", if present, must equal it
  std::vector<std::string> algorithms{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};
  policy::PrincipalRules rules{{policy::PrincipalClaim::EmailLocal}, {}, {}, {}, true};
};

// The asymmetric JWS algorithms an oidc provisioner may accept: never
// "none" nor HMAC (a public key used as an HMAC secret forges tokens).
bool isAllowedOidcAlgorithm(const std::string& alg);

// https always; http only for a loopback host (tests, local development).
// InvalidArgument saying why.
Status checkIssuerUrl(const std::string& url);

// Reads the oidc members of provisioner object `p`; `where` prefixes
// messages ("provisioners[2].").
Result<OidcConfig> readOidcConfig(const nlohmann::json& p, const std::string& where);
// Adds the oidc members to a provisioner object.
void writeOidcConfig(const OidcConfig& c, nlohmann::json& out);

}  // namespace sshca::config
