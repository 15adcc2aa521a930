// OAuth 2.0 Device Authorization Grant (RFC 8628) for an OIDC ID token:
// for machines without a browser. The person opens the verification URI
// elsewhere and enters the code; this side polls the token endpoint.
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>

#include "agent/login/oauth_client.h"
#include "agent/login/oidc_discovery.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct DeviceFlowOptions {
  OAuthClient client;
  std::string scope = "openid email profile groups";
  // How to wait between polls; tests and the default sleep the real time.
  std::function<void(std::chrono::seconds)> sleep;
};

// Prints the verification URI and user code to `out`, and the complete URI
// (which carries the code) on a line of its own; polls at the interval the
// provider gave, slower after slow_down (§3.5: +5 s), and gives up when the
// code expires or the person denies. Returns the ID token.
Result<std::string> runDeviceFlow(const OidcEndpoints& idp, const DeviceFlowOptions& options, std::ostream& out);

}  // namespace sshca::agent
