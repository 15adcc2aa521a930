// JWK Thumbprint (RFC 7638): SHA-256 over the required members of the
// public JWK, lexicographically ordered, no whitespace (§3), then
// base64url. step-ca uses it as the "kid" of a provisioner key
// (docs/protocol/tokens.md), and SSHPOP tokens name their key by it.
#pragma once

#include <string>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::jose {

// Fails only if OpenSSL cannot export the key's components.
Result<std::string> thumbprintSha256(const PublicKey& key);

}  // namespace sshca::jose
