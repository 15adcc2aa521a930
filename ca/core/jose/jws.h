// Compact JWS (RFC 7515 §3.1, §7.1): BASE64URL(header) '.'
// BASE64URL(payload) '.' BASE64URL(signature), signed through a Signer so
// the key may live on a token.
//
// Verification is in two steps so a caller can look at the untrusted
// header first (SSHPOP carries the certificate whose key verifies the
// token there): parseCompact decodes without trusting anything, then
// verifyCompact checks the signature with a key the caller chose. The key
// is never taken from the token itself ("jwk", "jku", "x5c" are ignored).
//
// Every refusal of a token is ErrorCode::Unauthenticated (a bad token
// means the caller is not established: HTTP 401); messages never quote
// the token.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"

namespace sshca::jose {

// Larger tokens are refused before any decoding. An SSHPOP header carries
// a whole SSH certificate (base64 inside base64url); 16 KiB leaves room
// for an RSA-4096 certificate with many principals.
inline constexpr size_t kMaxCompactJwsBytes = 16 * 1024;

// Whether the payload must be a JSON object (a JWT, RFC 7519 §7.2 step
// 10) or is kept as opaque bytes (RFC 7515 allows any octets).
enum class PayloadForm { JsonObject, Opaque };

// A decoded but NOT verified compact JWS.
struct JwsParts {
  nlohmann::json header;     // the JOSE Header, always a JSON object
  Bytes payloadBytes;        // the decoded JWS Payload
  nlohmann::json payload;    // payloadBytes as a JSON object; null for PayloadForm::Opaque
  std::string signingInput;  // the first two parts as received (§5.2 step 8)
  Bytes signature;           // decoded JWS Signature
};

// Header and payload of a JWS whose signature verified.
struct VerifiedJws {
  nlohmann::json header;
  nlohmann::json payload;
};

// Signs `payload` (a JSON object, the claims) with `signer`. The alg comes
// from the signer's key: ES256 (P-256/SHA-256), ES384 (P-384/SHA-384),
// ES512 (P-521/SHA-512), RS256 (RSA/SHA-256), EdDSA (Ed25519); an "alg"
// already in `header` must be that one. InvalidArgument for non-object
// header or payload, a mismatched alg or a token over kMaxCompactJwsBytes.
Result<std::string> signCompact(const nlohmann::json& header, const nlohmann::json& payload, const Signer& signer);

// Splits and decodes without trusting: exactly three parts, strict
// base64url (no padding, canonical), a header that is a JSON object with
// unique member names, at most kMaxCompactJwsBytes in all.
Result<JwsParts> parseCompact(std::string_view token, PayloadForm form = PayloadForm::JsonObject);

// Verifies `parts` with `key`. Refuses: a missing or non-string alg;
// "none" and HMAC algs (HS256 with the public key as the "secret"); an alg
// not in `allowedAlgs`; an alg that does not fit the key (ES256 with a
// P-384 key, RS256 with an EC key); any "crit" header (RFC 7515 §4.1.11:
// sshca understands no extension); a signature of the wrong length; a
// signature that does not verify.
Status verifyCompact(const JwsParts& parts, const PublicKey& key, std::span<const std::string> allowedAlgs);

// parseCompact (JSON object payload) then verifyCompact, for callers that
// know the key up front.
Result<VerifiedJws> parseAndVerifyCompact(std::string_view token, const PublicKey& key,
                                          std::span<const std::string> allowedAlgs);

}  // namespace sshca::jose
