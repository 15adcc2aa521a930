// The JWS "alg" values sshca signs and verifies (RFC 7518 §3.1, RFC 8037
// §3.1), and which key each one fits. Anything else — "none", the HMAC
// family, RSASSA-PSS — has no value here, so it cannot be accepted by
// accident: a symmetric alg verified with a public key as the secret is
// the classic JWT forgery.
#pragma once

#include <string_view>

#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/public_key.h"

namespace sshca::jose {

enum class JwsAlgorithm {
  ES256,  // ECDSA P-256 + SHA-256 (RFC 7518 §3.4)
  ES384,  // ECDSA P-384 + SHA-384
  ES512,  // ECDSA P-521 + SHA-512 (ssh-ecdsa-nistp521 host keys sign SSHPOP)
  RS256,  // RSASSA-PKCS1-v1_5 + SHA-256 (RFC 7518 §3.3)
  EdDSA,  // Ed25519 (RFC 8037 §3.1)
};

// The registered name ("ES256").
std::string_view jwsAlgorithmName(JwsAlgorithm alg);

// Parses a supported name. "none" and HS* get their own messages: they are
// what a forger tries first. Unauthenticated, since the name comes from a
// token.
Result<JwsAlgorithm> parseJwsAlgorithm(std::string_view name);

// The one alg a key signs with (JWS has exactly one per EC curve).
Result<JwsAlgorithm> jwsAlgorithmForKey(const PublicKey& key);

// The hash the Signer applies first (None for EdDSA, which signs the input).
HashAlg jwsHash(JwsAlgorithm alg);

// Unauthenticated unless `alg` is exactly the alg of `key` ("ES256" with a
// P-384 key, "RS256" with an EC key, RS256 with RSA under 2048 bits —
// RFC 7518 §3.3 — are refused).
Status checkAlgorithmFitsKey(JwsAlgorithm alg, const PublicKey& key);

// The exact signature length for `alg` with `key` (RFC 7518 §3.4: 2×field
// for ECDSA; the modulus size for RSA; 64 for Ed25519).
size_t jwsSignatureLength(JwsAlgorithm alg, const PublicKey& key);

}  // namespace sshca::jose
