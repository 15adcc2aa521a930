// The one URL parser of the agent: the CA's URL (https only) and the OpenID
// provider's endpoints (https, or plain http to a loopback address for tests
// and local development, as the CA allows for issuers).
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::agent {

struct HttpsUrl {
  enum class PlainHttp { Refused, LoopbackOnly };

  bool https = true;
  std::string host;  // without the brackets of an IPv6 literal
  int port = 443;
  std::string path = "/";  // at least "/"; the query kept, a fragment dropped

  // "scheme://host[:port][/path]"; other schemes, a bad port or no host are
  // refused, and http unless `plainHttp` allows it for this host.
  static Result<HttpsUrl> parse(const std::string& url, PlainHttp plainHttp = PlainHttp::Refused);

  // "scheme://host:port", what cpp-httplib's Client takes.
  std::string origin() const;
};

bool isLoopbackHost(const std::string& host);

}  // namespace sshca::agent
