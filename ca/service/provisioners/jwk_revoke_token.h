// The admin revoke token (step-ca's JWK token for POST /ssh/revoke): the
// JWK provisioner's key signs {iss, aud = <ca-url>/1.0/ssh/revoke,
// sub = the decimal serial, iat, nbf, exp, jti}. `sshca token revoke`
// mints it; JwkProvisioner::authorizeSshRevoke reads it.
#pragma once

#include <cstdint>
#include <string>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"

namespace sshca::provisioners {

inline constexpr const char* kSshRevokeAudiencePath = "/1.0/ssh/revoke";

struct JwkRevokeTokenRequest {
  std::string provisionerName;  // iss
  std::string caUrl;            // aud = caUrl + kSshRevokeAudiencePath
  uint64_t serial = 0;          // sub, decimal
  uint64_t ttlSeconds = 0;
  int64_t now = 0;
};

// InvalidArgument for an empty name or URL, serial 0 or a zero ttl.
Result<std::string> mintJwkRevokeToken(const JwkRevokeTokenRequest& req, const Signer& provisionerKey,
                                       RandomSource& random);

}  // namespace sshca::provisioners
