#include "ca/service/api/listen_address.h"

#include <charconv>

namespace sshca::api {
namespace {

Error invalid(std::string_view text, std::string_view why) {
  return makeError(ErrorCode::InvalidArgument,
                   "listen address '" + std::string(text) + "' " + std::string(why) + " (expected host:port)");
}

}  // namespace

Result<ListenAddress> parseListenAddress(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid(text, "has no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return invalid(text, "has no host");
  if (host.find(':') != std::string_view::npos && text.front() != '[')
    return invalid(text, "needs [] around an IPv6 host");
  int value = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value < 0 || value > 65535) {
    return invalid(text, "has an invalid port");
  }
  return ListenAddress{std::string(host), value};
}

}  // namespace sshca::api
