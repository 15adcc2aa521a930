// The OAuth client the agent signs in as, and how it authenticates at the
// provider's device authorization and token endpoints: a public client
// sends only its client_id (native apps, RFC 8252 §8.5); a confidential one
// adds its secret (RFC 6749 §2.3.1) by client_secret_basic, or by
// client_secret_post when the discovery document allows only that.
#pragma once

#include <string>
#include <vector>

#include "agent/login/idp_client.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::agent {

class OAuthClient {
 public:
  static OAuthClient publicClient(std::string clientId);
  // `methodsSupported`: the discovery document's
  // token_endpoint_auth_methods_supported.
  static Result<OAuthClient> confidential(std::string clientId, SecretBytes secret,
                                          const std::vector<std::string>& methodsSupported);

  const std::string& clientId() const { return clientId_; }

  // POSTs the form with this client's identification and credentials.
  Result<IdpReply> post(const std::string& url, FormFields fields) const;

 private:
  enum class Auth { None, Basic, Post };
  OAuthClient(std::string clientId, SecretBytes secret, Auth auth)
      : clientId_(std::move(clientId)), secret_(std::move(secret)), auth_(auth) {}
  std::string clientId_;
  SecretBytes secret_;
  Auth auth_;
};

}  // namespace sshca::agent
