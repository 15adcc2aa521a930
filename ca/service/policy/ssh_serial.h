// Certificate serials as text: decimal, as step clients send them in
// POST /ssh/revoke and SSHPOP tokens carry them in "sub".
#pragma once

#include <cstdint>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::policy {

// Digits only (no sign, no spaces, no leading zeros), 1..2^64-1: serial 0
// is never issued. InvalidArgument naming `what` otherwise.
Result<uint64_t> parseSshSerial(std::string_view text, std::string_view what);

}  // namespace sshca::policy
