#include "agent/idp_client.h"

#include <httplib.h>

#include <arpa/inet.h>

namespace sshca::agent {
namespace {

constexpr time_t kTimeoutSeconds = 30;

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // "/..." (at least "/")
  std::string host;
  bool https = false;
};

Result<SplitUrl> split(const std::string& url) {
  SplitUrl out;
  size_t schemeEnd = url.find("://");
  if (schemeEnd == std::string::npos) return makeError(ErrorCode::InvalidArgument, "'" + url + "' is not a URL");
  std::string scheme = url.substr(0, schemeEnd);
  if (scheme != "https" && scheme != "http")
    return makeError(ErrorCode::InvalidArgument, "'" + url + "': only https (or http to loopback) is allowed");
  out.https = scheme == "https";
  size_t pathStart = url.find('/', schemeEnd + 3);
  out.origin = url.substr(0, pathStart);
  out.path = pathStart == std::string::npos ? "/" : url.substr(pathStart);
  std::string authority = url.substr(schemeEnd + 3, pathStart == std::string::npos ? std::string::npos
                                                                                     : pathStart - schemeEnd - 3);
  if (!authority.empty() && authority.front() == '[') {
    out.host = authority.substr(1, authority.find(']') - 1);
  } else {
    out.host = authority.substr(0, authority.rfind(':'));
  }
  if (out.host.empty()) return makeError(ErrorCode::InvalidArgument, "'" + url + "' has no host");
  return out;
}

bool isLoopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Result<SplitUrl> checked(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(SplitUrl u, split(url));
  if (!u.https && !isLoopback(u.host))
    return makeError(ErrorCode::InvalidArgument,
                     "'" + url + "': plain http is allowed only to a loopback address; use https");
  return u;
}

httplib::Client makeClient(const SplitUrl& u) {
  httplib::Client client(u.origin);
  client.set_connection_timeout(kTimeoutSeconds, 0);
  client.set_read_timeout(kTimeoutSeconds, 0);
  client.set_tcp_nodelay(true);
  client.enable_server_certificate_verification(true);  // system trust store for https
  return client;
}

Result<nlohmann::json> parseObject(const std::string& url, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return makeError(ErrorCode::Unavailable, url + " did not answer with a JSON object");
  return j;
}

}  // namespace

Status checkIdpUrl(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(SplitUrl u, checked(url));
  (void)u;
  return okStatus();
}

Result<nlohmann::json> idpGetJson(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(SplitUrl u, checked(url));
  httplib::Client client = makeClient(u);
  auto res = client.Get(u.path);
  if (!res) return makeError(ErrorCode::Unavailable, "GET " + url + ": " + httplib::to_string(res.error()));
  if (res->status != 200)
    return makeError(ErrorCode::Unavailable, "GET " + url + ": HTTP status " + std::to_string(res->status));
  return parseObject(url, res->body);
}

Result<IdpReply> idpPostForm(const std::string& url, const FormFields& fields) {
  SSHCA_ASSIGN_OR_RETURN(SplitUrl u, checked(url));
  httplib::Client client = makeClient(u);
  httplib::Params params;
  for (const auto& [k, v] : fields) params.emplace(k, v);
  auto res = client.Post(u.path, params);
  if (!res) return makeError(ErrorCode::Unavailable, "POST " + url + ": " + httplib::to_string(res.error()));
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json body, parseObject(url, res->body));
  return IdpReply{res->status, std::move(body)};
}

std::string oauthErrorText(const IdpReply& reply) {
  std::string text = "HTTP status " + std::to_string(reply.status);
  if (reply.body.contains("error") && reply.body["error"].is_string()) text = reply.body["error"].get<std::string>();
  if (reply.body.contains("error_description") && reply.body["error_description"].is_string())
    text += " (" + reply.body["error_description"].get<std::string>() + ")";
  return text;
}

}  // namespace sshca::agent
