// Percent-encoding (RFC 3986 §2.1) of everything but the unreserved
// characters and those the caller keeps: query parameters of the agent's
// authorization URL, the client ID and secret in an HTTP Basic header
// (RFC 6749 §2.3.1 form-encodes them), and the paths inside a PKCS#11 URI
// (RFC 7512), where '/' stays as it is.
#pragma once

#include <string>
#include <string_view>

namespace sshca {

std::string percentEncode(std::string_view in, std::string_view alsoKeep = {});

}  // namespace sshca
