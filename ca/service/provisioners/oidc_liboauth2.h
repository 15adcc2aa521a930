// The parts of Debian's liboauth2 (1.4.5.4) the oidc provisioner uses,
// behind RAII: an HTTP GET (discovery) and ID token signature checks
// against a JWKS URI, which liboauth2 fetches, caches and refetches when
// a token's key is not in the cached set. liboauth2 skips aud, iss, azp,
// nbf and nonce (docs/architecture.md, "Platform facts"): oidc_id_token.h checks those.
// liboauth2's own log is discarded: its debug output would carry tokens.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::provisioners {

// GET url (http on loopback or https with certificate checks); the body of
// a 200 answer. Unavailable when the server cannot be reached or answers
// otherwise.
Result<std::string> oauth2HttpGet(const std::string& url);

class JwksVerifier {
 public:
  // InvalidArgument if liboauth2 refuses the URI.
  static Result<std::unique_ptr<JwksVerifier>> create(const std::string& jwksUri);
  ~JwksVerifier();
  JwksVerifier(const JwksVerifier&) = delete;
  JwksVerifier& operator=(const JwksVerifier&) = delete;

  // Unauthenticated unless a key of the JWKS verifies the compact JWS.
  Status verify(const std::string& compact) const;

 private:
  struct Impl;
  explicit JwksVerifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::provisioners
