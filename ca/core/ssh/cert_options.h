// The critical options and extensions sections of a certificate
// (draft-miller-ssh-cert, "Critical options" / "Extensions"): a sequence of
// (string name, string data), sorted by name, each name once; data is empty
// for a flag or holds one string for a value.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {

using OptionList = std::vector<std::pair<std::string, std::string>>;

// `what` names the section in messages ("critical options").
Result<OptionList> readOptionSection(std::span<const uint8_t> section, std::string_view what);
// Writes the section as one string; the caller supplies sorted, unique names.
void writeOptionSection(wire::Writer& w, const OptionList& options);

// source-address: comma-separated IPv4/IPv6 addresses or CIDR blocks with
// no host bits set (as OpenSSH's addr_match_cidr_list accepts them).
Status checkSourceAddressList(std::string_view value);

}  // namespace sshca::ssh
