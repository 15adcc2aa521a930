// The @cert-authority lines that make ssh trust every host certificate of
// the CA, and adding them to a known_hosts file once.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::agent {

// "@cert-authority <pattern> <key line>" per host CA key, each ending in "\n".
std::string certAuthorityLines(const std::vector<PublicKey>& hostCaKeys, const std::string& pattern);

// Appends the lines the file does not hold yet (creating it 0644);
// returns how many were added. Atomic: the old file or the new one.
Result<int> appendLinesOnce(const std::string& path, const std::string& lines);

}  // namespace sshca::agent
