// host renew: keep host certificates fresh with nothing but the current
// certificate (SSHPOP). A certificate is due when less than a third of its
// validity remains; --force renews regardless; --rekey replaces the key too.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "agent/ca_client/ca_connection.h"
#include "agent/host/host_keys.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

struct RenewOptions {
  bool force = false;
  bool rekey = false;
  bool keysGiven = false;  // --key named them: a missing certificate is an error, not skipped
};

struct RenewOutcome {
  int renewed = 0;
  int notDue = 0;
  int failed = 0;
};

// valid_before - now < (valid_before - valid_after) / 3.
bool renewalDue(const ssh::Certificate& cert, uint64_t now);

// Renews each key's certificate that is due; one key's failure does not
// stop the others (each is reported on `log`).
RenewOutcome renewHostCertificates(CaConnection& ca, const std::vector<HostKeyFiles>& keys, const RenewOptions& options,
                                   std::ostream& log);

}  // namespace sshca::agent
