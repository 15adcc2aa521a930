#include "ca/service/provisioners/jwk_revoke_token.h"

#include <nlohmann/json.hpp>

#include "ca/core/jose/jti.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"

namespace sshca::provisioners {

Result<std::string> mintJwkRevokeToken(const JwkRevokeTokenRequest& r, const Signer& provisionerKey,
                                       RandomSource& random) {
  auto bad = [](const char* why) { return makeError(ErrorCode::InvalidArgument, std::string("revoke token: ") + why); };
  if (r.provisionerName.empty()) return bad("the provisioner name is empty");
  if (r.caUrl.empty()) return bad("the CA URL is empty");
  if (r.serial == 0) return bad("serial 0 is never issued");
  if (r.ttlSeconds == 0) return bad("the lifetime is zero");
  std::string url = r.caUrl;
  while (!url.empty() && url.back() == '/') url.pop_back();
  SSHCA_ASSIGN_OR_RETURN(std::string kid, jose::thumbprintSha256(provisionerKey.publicKey()));
  SSHCA_ASSIGN_OR_RETURN(std::string jti, jose::newJti(random));
  nlohmann::json claims = {{"iss", r.provisionerName},
                           {"aud", url + kSshRevokeAudiencePath},
                           {"sub", std::to_string(r.serial)},
                           {"iat", r.now},
                           {"nbf", r.now},
                           {"exp", r.now + static_cast<int64_t>(r.ttlSeconds)},
                           {"jti", jti}};
  auto token = jose::signCompact({{"kid", kid}, {"typ", "JWT"}}, claims, provisionerKey);
  if (!token.ok()) return std::move(token).error().context("signing the revoke token");
  return token;
}

}  // namespace sshca::provisioners
