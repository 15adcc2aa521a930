// host enroll: the first host certificates, from one one-time token.
//
// A token is good for ONE certificate. With several host keys the first is
// certified with the token (POST /ssh/sign) and each other one by SSHPOP
// rekey (POST /ssh/rekey) proven with that first certificate: the CA issues
// it for the same principals, so one token enrolls the whole host.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "agent/ca_client/ca_connection.h"
#include "agent/host/host_keys.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

// Writes <key>-cert.pub for each key, in order; stops at the first failure
// (certificates already written stay: they are valid). Returns how many
// were written (all of them). Progress goes to `log`.
Result<int> enrollHostKeys(CaConnection& ca, const std::vector<HostKeyFiles>& keys, const std::string& token,
                           std::ostream& log);

}  // namespace sshca::agent
