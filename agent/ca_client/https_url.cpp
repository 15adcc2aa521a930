#include "agent/ca_client/https_url.h"

#include <arpa/inet.h>

#include <charconv>
#include <string_view>

namespace sshca::agent {
namespace {

Error badUrl(const std::string& url, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "URL '" + url + "' " + why);
}

// Splits "host[:port]" / "[v6][:port]" into out.host and out.port.
Status parseAuthority(const std::string& url, std::string authority, HttpsUrl& out) {
  // "https://ca.example.com@evil.example/" reads as the CA to a person and
  // reaches another host: no user part, ever.
  if (authority.find('@') != std::string::npos) return badUrl(url, "must not hold a user name ('@')");
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    std::string_view port = std::string_view(authority).substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || p != port.data() + port.size() || out.port <= 0 || out.port > 65535)
      return badUrl(url, "has a bad port");
    authority.resize(colon);
  }
  if (bracketed) {
    if (authority.size() < 3 || authority.back() != ']') return badUrl(url, "has a bad IPv6 address");
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return badUrl(url, "has no host");
  out.host = std::move(authority);
  return okStatus();
}

}  // namespace

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<HttpsUrl> HttpsUrl::parse(const std::string& url, PlainHttp plainHttp) {
  size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string::npos) return badUrl(url, "is not a URL");
  std::string scheme = url.substr(0, schemeEnd);
  if (scheme != "https" && (scheme != "http" || plainHttp == PlainHttp::Refused))
    return badUrl(url, plainHttp == PlainHttp::Refused ? "must start with https://"
                                                       : "must be https (or http to a loopback address)");
  HttpsUrl out;
  out.https = scheme == "https";
  out.port = out.https ? 443 : 80;
  size_t start = schemeEnd + 3;
  size_t pathStart = url.find_first_of("/?#", start);
  if (pathStart != std::string::npos) {
    std::string rest = url.substr(pathStart, url.find('#', pathStart) - pathStart);
    out.path = rest.starts_with('/') ? rest : "/" + rest;
  }
  SSHCA_RETURN_IF_ERROR(parseAuthority(url, url.substr(start, pathStart - start), out));  // npos: to the end
  if (!out.https && !isLoopbackHost(out.host))
    return badUrl(url, "is plain http, allowed only to a loopback address; use https");
  return out;
}

std::string HttpsUrl::origin() const {
  bool v6 = host.find(':') != std::string::npos;
  return std::string(https ? "https" : "http") + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace sshca::agent
