// Percent-encoding (RFC 3986 §2.1) of everything but the unreserved
// characters: query parameters of the authorization URL, and the client
// ID and secret in an HTTP Basic header (RFC 6749 §2.3.1 form-encodes them).
#pragma once

#include <string>
#include <string_view>

namespace sshca::agent {

std::string percentEncode(std::string_view in);

}  // namespace sshca::agent
