// The part of Debian's liboauth2 (1.4.5.4) the oidc provisioner uses,
// behind RAII: ID token signature checks against the keys of a JWKS. The
// JWKS is fetched by the provisioner (idp_http_get.h, bounded in size and
// time) and handed over as a document: liboauth2's own fetch has no size
// cap, so it is not used. liboauth2 skips aud, iss, azp, nbf and nonce
// (docs/architecture.md, "Platform facts"): oidc_id_token.h checks those.
// liboauth2's own log is discarded: its debug output would carry tokens.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::provisioners {

class JwksVerifier {
 public:
  // At most this many keys of a JWKS are used (each is tried in turn for a
  // token; providers publish two or three).
  static constexpr size_t kMaxKeys = 32;

  // The keys of the JWKS document `jwks` (RFC 7517 §5), fetched from
  // `source` (named in messages). Keys meant for encryption ("use":"enc")
  // and keys liboauth2 cannot import (a type it does not know) are left
  // out. Unavailable when the document is not a JWKS or holds no usable
  // key: the caller cannot fix the provider's answer.
  static Result<std::unique_ptr<JwksVerifier>> create(const std::string& jwks, const std::string& source);
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
