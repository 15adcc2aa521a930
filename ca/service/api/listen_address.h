// "host:port" as given in ca.json or --address; "[::1]:8443" for IPv6.
// Port 0 asks the kernel for a free port (tests).
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::api {

struct ListenAddress {
  std::string host;
  int port = 0;
};

Result<ListenAddress> parseListenAddress(std::string_view text);

}  // namespace sshca::api
