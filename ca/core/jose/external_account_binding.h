// External Account Binding (RFC 8555 §7.3.4): a flattened JWS, HS256 under
// a key the CA handed out of band, whose payload is the new account's JWK
// and whose protected header names the key ("kid") and the newAccount URL.
// It ties an ACME account to a key the CA's operator issued.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"

namespace sshca::jose {

// The kid of the binding that verifies. `keys`: kid -> base64url HMAC key.
// Unauthenticated for an unknown kid, another alg than HS256, a url other
// than `url`, a payload other than `accountJwk`, or a MAC that does not
// verify (compared in constant time).
Result<std::string> verifyExternalAccountBinding(const nlohmann::json& binding,
                                                 const std::map<std::string, std::string>& keys,
                                                 const nlohmann::json& accountJwk, std::string_view url);

}  // namespace sshca::jose
