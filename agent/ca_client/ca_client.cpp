#include "agent/ca_client/ca_client.h"

#include <httplib.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>

#include "agent/ca_client/bounded_response.h"
#include "agent/ca_client/https_url.h"

namespace sshca::agent {
namespace {

constexpr time_t kConnectTimeoutSeconds = 10;
constexpr time_t kReadTimeoutSeconds = 60;

ErrorCode codeForStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::InvalidArgument;
    case 401:
      return ErrorCode::Unauthenticated;
    case 403:
      return ErrorCode::PermissionDenied;
    case 404:
      return ErrorCode::NotFound;
    case 409:
      return ErrorCode::Replayed;
    case 429:
      return ErrorCode::RateLimited;
    case 503:
      return ErrorCode::Unavailable;
    default:
      return ErrorCode::Internal;
  }
}

// The CA's {"error": ...} message when there is one, else the status.
std::string errorMessage(const BoundedResponse& res) {
  try {
    auto j = nlohmann::json::parse(res.body);
    if (j.is_object() && j.contains("error") && j["error"].is_string()) return j["error"].get<std::string>();
  } catch (const nlohmann::json::exception&) {}
  return "HTTP status " + std::to_string(res.status);
}

bool retryable(const BoundedResponse& res) { return res.status == 503 || res.status == 429; }

// Retry-After in seconds (the CA sends seconds; an HTTP date is read as 1 s).
std::chrono::milliseconds retryAfter(const BoundedResponse& res, std::chrono::seconds maxWait) {
  long seconds = 1;
  if (!res.retryAfter.empty()) {
    const std::string& v = res.retryAfter;
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (end != v.c_str() && *end == '\0' && n >= 0) seconds = n;
  }
  seconds = std::min<long>(seconds, maxWait.count());
  static thread_local std::minstd_rand jitter(std::random_device{}());
  long ms = seconds * 1000;
  return std::chrono::milliseconds(ms + static_cast<long>(jitter() % static_cast<unsigned long>(ms / 2 + 1)));
}

}  // namespace

namespace {

// What the person can check, for the failures that look alike from here.
std::string hintFor(httplib::Error error) {
  switch (error) {
    case httplib::Error::Connection:
      return ": is sshca serve running, and is this its address and port?";
    case httplib::Error::SSLServerVerification:
      return ": the CA's TLS certificate did not verify against the pinned root. Either it does not name this "
             "host (the CA's dnsNames in ca.json must cover the name in the URL) or this is not the CA";
    case httplib::Error::Read:
    case httplib::Error::Write:
      return ": the CA closed the connection (is it overloaded or restarting?)";
    default:
      return "";
  }
}

}  // namespace

struct CaClient::Impl {
  std::string basePath;  // "" or "/prefix", no trailing slash
  std::string display;
  std::unique_ptr<httplib::SSLClient> http;
  RetryPolicy retry;

  // 503 and 429 are tried again after Retry-After, up to retry.attempts.
  Result<std::string> exchange(const std::string& what, const httplib::Request& req,
                               const ResponseLimits& limits) const {
    for (int attempt = 1;; ++attempt) {
      auto res = sendBounded(*http, req, limits, what + " (" + display + ")", hintFor);
      if (res.ok() && retryable(*res) && attempt < retry.attempts) {
        auto wait = retryAfter(*res, retry.maxWait);
        if (retry.notices)
          *retry.notices << "sshca-agent: " << what << ": the CA answered " << res->status << " (" << errorMessage(*res)
                         << "); try " << attempt + 1 << " of " << retry.attempts << " in " << wait.count() << " ms\n";
        std::this_thread::sleep_for(wait);
        continue;
      }
      return answer(what, std::move(res), attempt);
    }
  }

  Result<std::string> answer(const std::string& what, Result<BoundedResponse> res, int tries) const {
    if (!res.ok()) return std::move(res).error();
    if (res->status >= 200 && res->status <= 299) return std::move(res->body);
    std::string message = what + ": the CA refused: " + errorMessage(*res);
    if (retryable(*res))
      message += " (HTTP " + std::to_string(res->status) + ", Retry-After " +
                 (res->retryAfter.empty() ? std::string("none") : res->retryAfter.substr(0, 40)) + "; gave up after " +
                 std::to_string(tries) + (tries == 1 ? " try)" : " tries)");
    return makeError(codeForStatus(res->status), message);
  }
};

CaClient::CaClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaClient::~CaClient() = default;
CaClient::CaClient(CaClient&&) noexcept = default;
CaClient& CaClient::operator=(CaClient&&) noexcept = default;

static Result<std::unique_ptr<CaClient::Impl>> makeImpl(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(HttpsUrl parsed, HttpsUrl::parse(url));
  auto impl = std::make_unique<CaClient::Impl>();
  impl->basePath = parsed.path.substr(0, parsed.path.find_last_not_of('/') + 1);
  impl->display = url;
  impl->http = std::make_unique<httplib::SSLClient>(parsed.host, parsed.port);
  impl->http->set_tcp_nodelay(true);  // Nagle stalls kept-alive HTTPS (docs/architecture.md)
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

Result<std::string> CaClient::get(const std::string& path, const ResponseLimits& limits) const {
  httplib::Request req;
  req.method = "GET";
  req.path = impl_->basePath + path;
  return impl_->exchange("GET " + path, req, limits);
}

Result<std::string> CaClient::postJson(const std::string& path, const std::string& body) const {
  httplib::Request req;
  req.method = "POST";
  req.path = impl_->basePath + path;
  req.body = body;
  req.set_header("Content-Type", "application/json");
  return impl_->exchange("POST " + path, req, kJsonAnswerLimits);
}

void CaClient::setRetry(RetryPolicy policy) { impl_->retry = policy; }

}  // namespace sshca::agent
