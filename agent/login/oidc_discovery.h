// OpenID Connect Discovery 1.0: the provider's endpoints from
// <issuer>/.well-known/openid-configuration.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::agent {

struct OidcEndpoints {
  std::string issuer;
  std::string authorization;  // authorization code flow (browser)
  std::string token;
  std::string deviceAuthorization;  // RFC 8628; empty when not offered
  // token_endpoint_auth_methods_supported; Discovery §3's default when absent.
  std::vector<std::string> tokenAuthMethods;
};

// Refuses a document whose "issuer" differs from `issuer` (Discovery §4.3:
// otherwise another provider could stand in) or that lacks the token endpoint.
Result<OidcEndpoints> discoverOidc(const std::string& issuer);

}  // namespace sshca::agent
