// OAuth 2.0 for native apps (RFC 8252): authorization code with PKCE S256
// (RFC 7636), state and nonce, the redirect caught on 127.0.0.1 on a
// random port. The browser is opened with xdg-open when there is one;
// otherwise the URL is printed for the person to open.
#pragma once

#include <ostream>
#include <string>

#include "agent/login/oauth_client.h"
#include "agent/login/oidc_discovery.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct BrowserFlowOptions {
  OAuthClient client;
  std::string scope = "openid email profile groups";
  int timeoutSeconds = 300;  // how long to wait for the redirect
  bool openBrowser = true;   // false: print the URL only
};

// Returns the ID token, after checking that its nonce is the one sent.
Result<std::string> runBrowserFlow(const OidcEndpoints& idp, const BrowserFlowOptions& options, std::ostream& out);

}  // namespace sshca::agent
