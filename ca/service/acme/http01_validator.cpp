// http-01 (RFC 8555 §8.3) through cpp-httplib's client: plain HTTP to the
// name itself, redirects not followed (a redirect could lead the CA to a
// host the order does not name), the body capped and the whole exchange
// under the deadline.
#include <httplib.h>

#include "ca/service/acme/acme_validator.h"

namespace sshca::acme {
namespace {

// Trailing whitespace is allowed after the key authorization (§8.3).
std::string trimRight(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.pop_back();
  return s;
}

}  // namespace

ValidationOutcome validateHttp01(const ValidationTarget& target, const ValidationSettings& settings) {
  httplib::Client client(target.name, settings.httpPort);
  time_t sec = static_cast<time_t>(settings.timeoutMs / 1000);
  time_t usec = static_cast<time_t>((settings.timeoutMs % 1000) * 1000);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.set_follow_location(false);
  client.set_keep_alive(false);
  std::string body;
  bool tooLarge = false;
  std::string path = "/.well-known/acme-challenge/" + target.token;
  auto res = client.Get(path, httplib::Headers{{"Accept", "*/*"}}, [&](const char* data, size_t len) {
    if (body.size() + len > settings.maxResponseBytes) {
      tooLarge = true;
      return false;
    }
    body.append(data, len);
    return true;
  });
  if (tooLarge)
    return {false, "incorrectResponse",
            "http-01: the response exceeds " + std::to_string(settings.maxResponseBytes) + " bytes"};
  if (!res) {
    return {false, "connection",
            "http-01: cannot fetch http://" + target.name + ":" + std::to_string(settings.httpPort) + path + " (" +
                httplib::to_string(res.error()) + ")"};
  }
  if (res->status != 200)
    return {false, "incorrectResponse", "http-01: the server answered status " + std::to_string(res->status)};
  if (trimRight(body) != target.keyAuthorization)
    return {false, "incorrectResponse", "http-01: the response is not the key authorization"};
  return {true, "", ""};
}

}  // namespace sshca::acme
