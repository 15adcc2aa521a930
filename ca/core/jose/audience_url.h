// Audience URLs compared as step-ca compares them: without the port of
// their authority, so that a token minted for https://ca:443/... names the
// same CA as one for https://ca:8443/... (a client behind a proxy, another
// listen port). Scheme, host, path and fragment must still be equal.
#pragma once

#include <string>
#include <string_view>

namespace sshca::jose {

// "https://ca:8443/1.0/sign#x" -> "https://ca/1.0/sign#x"; a string that is
// not scheme://authority... is returned as it is.
std::string audienceWithoutPort(std::string_view url);

}  // namespace sshca::jose
