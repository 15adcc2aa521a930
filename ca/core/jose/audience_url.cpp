#include "ca/core/jose/audience_url.h"

#include <algorithm>
#include <cctype>

namespace sshca::jose {

std::string audienceWithoutPort(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t hostStart = scheme + 3;
  size_t hostEnd = url.find_first_of("/?#", hostStart);
  if (hostEnd == std::string_view::npos) hostEnd = url.size();
  std::string_view authority = url.substr(hostStart, hostEnd - hostStart);
  size_t colon = authority.rfind(':');
  // A colon inside brackets belongs to an IPv6 address, not to a port.
  if (colon == std::string_view::npos || authority.find(']', colon) != std::string_view::npos) return std::string(url);
  std::string_view port = authority.substr(colon + 1);
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) return std::string(url);
  return std::string(url.substr(0, hostStart)) + std::string(authority.substr(0, colon)) +
         std::string(url.substr(hostEnd));
}

}  // namespace sshca::jose
