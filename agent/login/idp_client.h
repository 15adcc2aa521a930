// HTTP to an OpenID provider: discovery, the device authorization and
// token endpoints. https with the system's trust store; plain http only to
// a loopback address (tests, local development), as the CA allows for
// issuers. Separate from ca_client.h, which pins the CA's own root.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"

namespace sshca::agent {

using FormFields = std::vector<std::pair<std::string, std::string>>;

// An answer that parsed as a JSON object, whatever its status: OAuth error
// answers (authorization_pending, slow_down) are JSON with status 400.
struct IdpReply {
  int status = 0;
  nlohmann::json body;
};

// Refuses URLs that are neither https nor http to a loopback address.
Status checkIdpUrl(const std::string& url);

Result<nlohmann::json> idpGetJson(const std::string& url);
// `authorization`: an Authorization header value, or empty for none.
Result<IdpReply> idpPostForm(const std::string& url, const FormFields& fields, const std::string& authorization = "");

// The "error" / "error_description" of an OAuth error answer, for messages.
std::string oauthErrorText(const IdpReply& reply);

}  // namespace sshca::agent
