// The flattened JSON serialisation of a JWS (RFC 7515 §7.2.2), as every
// ACME request body is one (RFC 8555 §6.2): {"protected": B64URL(header),
// "payload": B64URL(payload), "signature": B64URL(sig)}. No unprotected
// "header" member is accepted (RFC 8555 §6.2 forbids it), and the payload
// may be empty (a POST-as-GET, §6.3).
//
// Parsing trusts nothing: the caller reads the header (the account key
// "jwk" or the account URL "kid", the nonce, the url), picks the key, and
// checks the signature with verifyCompact (jws.h): the checks on alg and
// signature are the same as for tokens.
#pragma once

#include <string_view>

#include "ca/core/common/result.h"
#include "ca/core/jose/jws.h"

namespace sshca::jose {

// An ACME body is at most this large (a CSR of an RSA-4096 key with many
// names fits several times over).
inline constexpr size_t kMaxFlattenedJwsBytes = 64 * 1024;

// Decodes a flattened JWS. `parts.payload` is the payload as a JSON object,
// or null for an empty payload (POST-as-GET). InvalidFormat for anything
// malformed; the messages never quote the body.
Result<JwsParts> parseFlattened(std::string_view body);

// RFC 7638 thumbprint of a JWK given as JSON (the "jwk" header): parsed
// with parseJwk, so only public EC/RSA/OKP keys are accepted.
Result<std::string> thumbprintOfJwk(const nlohmann::json& jwk);

}  // namespace sshca::jose
