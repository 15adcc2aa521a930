// Whether the CA's TLS certificate names the host of the URL an agent was
// given. Bootstrap checks this at once: a URL naming a host the certificate
// does not list would be refused later on every pinned connection, and the
// first renewal, weeks later in cron, is a bad time to find out.
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::agent {

// Ok when the certificate at `host`:`port` is valid for `host` (DNS name
// or IP address, as TLS clients check it); InvalidArgument naming the
// certificate's names otherwise.
Status checkServerNamesHost(const std::string& host, int port);

}  // namespace sshca::agent
