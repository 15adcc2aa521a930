// The checks on an OIDC ID token that sshca makes itself (liboauth2 checks
// only the signature, exp and iat; docs/oidc.md), and the identity
// the token establishes. Pure: the clock is an argument.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/jose/jws.h"
#include "ca/service/policy/identity.h"

namespace sshca::provisioners {

struct IdTokenChecks {
  std::string provisioner;              // name, recorded in the identity
  std::string issuer;                   // "iss" must equal it
  std::string clientId;                 // "aud" must contain it; "azp" if present must equal it
  std::vector<std::string> algorithms;  // header "alg" must be one of these (asymmetric only)
  int64_t now = 0;
  int64_t leewaySeconds = 60;          // exp, nbf, iat
  std::optional<std::string> nonce{};  // when the client sent one, "nonce" must equal it
};

// Before any crypto: "alg" is in the allow-list (never "none" or HS*) and
// there is no "crit". Unauthenticated naming the alg.
Status checkIdTokenHeader(const jose::JwsParts& token, const IdTokenChecks& checks);

// After the signature verified: iss, aud, azp, exp/nbf/iat with leeway,
// nonce, a non-empty sub. The identity carries sub, email (subject = email
// when there is one, else sub), email_verified, preferred_username and
// groups; tokenId = "jti:<jti>" or "sha256:<hex of header.payload as
// received>" (ID tokens often have no jti; the signature is left out, as
// ECDSA signatures are malleable); tokenUsableUntil = exp + leeway;
// tokenScope = "oidc <issuer>" (not the provisioner's name).
// Unauthenticated naming the claim.
Result<policy::Identity> identityFromIdToken(const jose::JwsParts& token, const IdTokenChecks& checks);

// The compact serialization again (parseCompact accepted only canonical
// base64url, so this is byte for byte what the client sent).
std::string compactOf(const jose::JwsParts& token);

}  // namespace sshca::provisioners
