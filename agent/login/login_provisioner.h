// Which OIDC provisioner a login uses, from the CA's GET /provisioners:
// the agent needs only the CA URL; the issuer and client ID come from there.
#pragma once

#include <string>

#include "agent/ca_client/ca_client.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct OidcProvisionerInfo {
  std::string name;
  std::string issuer;
  std::string clientId;
};

// `wanted` empty: the only OIDC provisioner (an error names them all when
// there are several). NotFound when the CA has none or not that one.
Result<OidcProvisionerInfo> pickOidcProvisioner(const CaClient& ca, const std::string& wanted);

}  // namespace sshca::agent
