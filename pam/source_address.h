// The source-address critical option (draft-miller-ssh-cert): a comma-separated
// list of addresses or CIDR blocks the certificate may be used from.
#pragma once

#include <string_view>

namespace sshca::pam {

// Whether `address` (a literal IPv4/IPv6 address) lies in one of the
// blocks of `list`. Anything unparsable, on either side, is no match: an
// unparsable address, or any malformed entry of the list (as OpenSSH).
bool addressInList(std::string_view address, std::string_view list);

}  // namespace sshca::pam
