#include "agent/ca_client.h"

#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace sshca::agent {
namespace {

constexpr time_t kConnectTimeoutSeconds = 10;
constexpr time_t kReadTimeoutSeconds = 60;

ErrorCode codeForStatus(int status) {
  switch (status) {
    case 400: return ErrorCode::InvalidArgument;
    case 401: return ErrorCode::Unauthenticated;
    case 403: return ErrorCode::PermissionDenied;
    case 404: return ErrorCode::NotFound;
    case 409: return ErrorCode::Replayed;
    case 503: return ErrorCode::Unavailable;
    default: return ErrorCode::Internal;
  }
}

// The CA's {"error": ...} message when there is one, else the status.
std::string errorMessage(const httplib::Response& res) {
  try {
    auto j = nlohmann::json::parse(res.body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
  } catch (const nlohmann::json::exception&) {
  }
  return "HTTP status " + std::to_string(res.status);
}

}  // namespace

Result<CaUrl> CaUrl::parse(const std::string& url) {
  constexpr std::string_view kScheme = "https://";
  if (url.rfind(kScheme, 0) != 0)
    return makeError(ErrorCode::InvalidArgument, "CA URL '" + url + "' must start with https://");
  std::string rest = url.substr(kScheme.size());
  CaUrl out;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.basePath = rest.substr(slash);
  while (!out.basePath.empty() && out.basePath.back() == '/') out.basePath.pop_back();
  size_t colon = authority.rfind(':');
  bool bracketed = !authority.empty() && authority.front() == '[';
  if (colon != std::string::npos && (!bracketed || authority.find(']') < colon)) {
    std::string port = authority.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc() || p != port.data() + port.size() || out.port <= 0 || out.port > 65535)
      return makeError(ErrorCode::InvalidArgument, "CA URL '" + url + "' has a bad port");
    authority.resize(colon);
  }
  if (bracketed && authority.size() > 2 && authority.back() == ']') authority = authority.substr(1, authority.size() - 2);
  if (authority.empty()) return makeError(ErrorCode::InvalidArgument, "CA URL '" + url + "' has no host");
  out.host = authority;
  return out;
}

struct CaClient::Impl {
  CaUrl url;
  std::string display;
  std::unique_ptr<httplib::SSLClient> http;

  Result<std::string> answer(const std::string& what, const httplib::Result& res) const {
    if (!res)
      return makeError(ErrorCode::Unavailable,
                       what + ": no answer from " + display + " (" + httplib::to_string(res.error()) + ")");
    if (res->status < 200 || res->status > 299)
      return makeError(codeForStatus(res->status), what + ": the CA refused: " + errorMessage(*res));
    return res->body;
  }
};

CaClient::CaClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaClient::~CaClient() = default;
CaClient::CaClient(CaClient&&) noexcept = default;
CaClient& CaClient::operator=(CaClient&&) noexcept = default;

static Result<std::unique_ptr<CaClient::Impl>> makeImpl(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(CaUrl parsed, CaUrl::parse(url));
  auto impl = std::make_unique<CaClient::Impl>();
  impl->url = parsed;
  impl->display = url;
  impl->http = std::make_unique<httplib::SSLClient>(parsed.host, parsed.port);
  impl->http->set_tcp_nodelay(true);  // PLATFORM.md: Nagle stalls kept-alive HTTPS
  impl->http->set_connection_timeout(kConnectTimeoutSeconds, 0);
  impl->http->set_read_timeout(kReadTimeoutSeconds, 0);
  return impl;
}

Result<CaClient> CaClient::pinned(const std::string& url, const std::string& rootFile) {
  SSHCA_ASSIGN_OR_RETURN(auto impl, makeImpl(url));
  impl->http->set_ca_cert_path(rootFile.c_str());
  impl->http->enable_server_certificate_verification(true);
  return CaClient(std::move(impl));
}

Result<CaClient> CaClient::unverified(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(auto impl, makeImpl(url));
  impl->http->enable_server_certificate_verification(false);
  return CaClient(std::move(impl));
}

Result<std::string> CaClient::get(const std::string& path) const {
  std::string full = impl_->url.basePath + path;
  return impl_->answer("GET " + path, impl_->http->Get(full.c_str()));
}

Result<std::string> CaClient::postJson(const std::string& path, const std::string& body) const {
  std::string full = impl_->url.basePath + path;
  return impl_->answer("POST " + path, impl_->http->Post(full.c_str(), body, "application/json"));
}

}  // namespace sshca::agent
