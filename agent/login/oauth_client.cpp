#include "agent/login/oauth_client.h"

#include <algorithm>

#include "ca/core/common/bytes.h"
#include "ca/core/common/percent_encoding.h"

namespace sshca::agent {

OAuthClient OAuthClient::publicClient(std::string clientId) { return {std::move(clientId), SecretBytes(), Auth::None}; }

Result<OAuthClient> OAuthClient::confidential(std::string clientId, SecretBytes secret,
                                              const std::vector<std::string>& methodsSupported) {
  if (secret.view().empty()) return makeError(ErrorCode::InvalidArgument, "the client secret is empty");
  auto offers = [&methodsSupported](const char* m) {
    return std::find(methodsSupported.begin(), methodsSupported.end(), m) != methodsSupported.end();
  };
  // Basic first: every provider must support it (RFC 6749 §2.3.1), and it
  // keeps the secret out of form bodies that proxies may log.
  if (offers("client_secret_basic")) return OAuthClient(std::move(clientId), std::move(secret), Auth::Basic);
  if (offers("client_secret_post")) return OAuthClient(std::move(clientId), std::move(secret), Auth::Post);
  return makeError(ErrorCode::Unavailable,
                   "the provider accepts neither client_secret_basic nor client_secret_post "
                   "at its token endpoint: a client secret cannot be used");
}

Result<IdpReply> OAuthClient::post(const std::string& url, FormFields fields) const {
  fields.emplace_back("client_id", clientId_);
  if (auth_ == Auth::Post) fields.emplace_back("client_secret", std::string(secret_.view()));
  if (auth_ != Auth::Basic) return idpPostForm(url, fields);
  std::string pair = percentEncode(clientId_) + ":" + percentEncode(secret_.view());  // §2.3.1: form-encoded
  return idpPostForm(url, fields,
                     "Basic " + base64Encode({reinterpret_cast<const uint8_t*>(pair.data()), pair.size()}));
}

}  // namespace sshca::agent
