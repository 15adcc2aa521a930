#include "ca/service/api/https_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "ca/service/api/api_handlers.h"
#include "ca/service/api/listen_address.h"
#include "ca/service/api/request_log.h"

namespace sshca::api {
namespace {

using Clock = std::chrono::steady_clock;

// What the log line needs from the handler. cpp-httplib runs the
// pre-routing handler, the route handler and the logger of one request on
// the same pool thread, and the Request is const in between, so a
// thread-local is how the handler's facts reach the logger.
struct RequestTrace {
  Clock::time_point start;
  RequestLogFields fields;
  bool active = false;
};
thread_local RequestTrace currentTrace;

// Both spellings step-ca serves: "/ssh/sign" and "/1.0/ssh/sign".
std::string route(const char* path) { return std::string(R"((?:/1\.0)?)") + path; }

void send(httplib::Response& res, ApiResponse&& r) {
  currentTrace.fields = std::move(r.log);
  res.status = r.status;
  if (r.retryAfterSeconds > 0) res.set_header("Retry-After", std::to_string(r.retryAfterSeconds));
  res.set_content(r.body, r.contentType);
}

// JSON for the errors cpp-httplib produces before any handler runs.
ApiResponse transportError(int status, size_t maxBodyBytes) {
  switch (status) {
    case 404:
      return errorResponse(404, makeError(ErrorCode::NotFound, "no route for this method and path"));
    case 411:
      return errorResponse(411, makeError(ErrorCode::InvalidArgument,
                                          "a request body needs a Content-Length (no chunked transfer coding)"));
    case 413:
      return errorResponse(413, makeError(ErrorCode::InvalidArgument,
                                          "request body exceeds " + std::to_string(maxBodyBytes) + " bytes"));
    case 415:
      return errorResponse(415, makeError(ErrorCode::InvalidArgument,
                                          "a request body must not be compressed (Content-Encoding)"));
    case 500:
      return errorResponse(500, makeError(ErrorCode::Internal, "unexpected failure while handling the request"));
    default:
      return errorResponse(status, makeError(ErrorCode::InvalidArgument, "malformed HTTP request"));
  }
}

// Debian's cpp-httplib 0.11.4 holds a body to the size limit through its
// Content-Length only: a chunked or length-less body, or a gzip or brotli
// one once inflated, would be read whole into memory before any handler
// runs. The API's bodies are small JSON sent with a Content-Length and no
// content coding, as every client sends them; anything else is refused
// here, before the body is read. 0 = go on.
int bodyFramingRefusal(const httplib::Request& req) {
  if (req.has_header("Content-Encoding")) return 415;
  if (req.has_header("Transfer-Encoding")) return 411;
  if (req.method == "POST" && !req.has_header("Content-Length")) return 411;
  return 0;
}

void writeToStderr(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);  // one call: lines from pool threads never interleave
}

}  // namespace

struct HttpsServer::Impl {
  Impl(HttpsServerOptions o, AuthorityApi& authority) : options(std::move(o)), handlers(authority) {}

  Status createServer();
  void addRoutes();
  void addErrorAndLogHooks();
  Result<int> bind(const ListenAddress& address);
  Status run();

  HttpsServerOptions options;
  ApiHandlers handlers;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  std::atomic<bool> finished{false};
  int port = 0;
};

Status HttpsServer::Impl::createServer() {
  Status tls = okStatus();
  server = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    tls = configureServerTls(ctx, options.tls);
    return tls.ok();
  });
  if (!tls.ok()) return tls;
  if (!server->is_valid()) return makeError(ErrorCode::CryptoFailure, "creating the TLS server context failed");
  size_t threads = options.threads > 0 ? options.threads : 1;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second
  // sshca bind the same port and silently take half the requests.
  server->set_socket_options([](int sock) {
    int on = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  });
  server->set_tcp_nodelay(true);  // without it kept-alive HTTPS crawls (Nagle; docs/architecture.md)
  server->set_payload_max_length(options.maxBodyBytes);
  server->set_keep_alive_timeout(options.keepAliveTimeoutSeconds);
  // cpp-httplib closes a connection after 5 requests by default: every fifth
  // request would pay a full TLS handshake. Idle connections still close
  // after the keep-alive timeout.
  server->set_keep_alive_max_count(100000);
  addRoutes();
  addErrorAndLogHooks();
  return okStatus();
}

void HttpsServer::Impl::addRoutes() {
  ApiHandlers& h = handlers;
  auto get = [&](const char* path, auto call) {
    server->Get(route(path), [call](const httplib::Request&, httplib::Response& res) { send(res, call()); });
  };
  auto post = [&](const char* path, auto call) {
    server->Post(route(path), [call](const httplib::Request& req, httplib::Response& res) {
      send(res, call(req.body, req.remote_addr));
    });
  };
  // A path parameter: the route's first capture group.
  auto getWith = [&](const char* path, auto call) {
    server->Get(route(path), [call](const httplib::Request& req, httplib::Response& res) {
      send(res, call(std::string_view(req.matches[1].first, req.matches[1].second)));
    });
  };
  get("/health", [&h] { return h.health(); });
  get("/version", [&h] { return h.version(); });
  getWith("/root/([0-9A-Za-z-]{1,128})", [&h](std::string_view sha) { return h.root(sha); });
  get("/roots", [&h] { return h.roots(); });
  get(R"(/roots\.pem)", [&h] { return h.rootsPem(); });
  get("/federation", [&h] { return h.federation(); });
  get("/ssh/roots", [&h] { return h.sshRoots(); });
  get("/ssh/federation", [&h] { return h.sshRoots(); });
  get("/ssh/krl", [&h] { return h.krl(); });
  get(R"(/ssh/krl\.sig)", [&h] { return h.krlSignature(); });
  get("/provisioners", [&h] { return h.provisioners(); });
  getWith("/provisioners/([^/]{1,128})/encrypted-key", [&h](std::string_view kid) { return h.provisionerEncryptedKey(kid); });
  post("/ssh/sign", [&h](std::string_view b, const std::string& a) { return h.signSsh(b, a); });
  post("/ssh/renew", [&h](std::string_view b, const std::string& a) { return h.renewSsh(b, a); });
  post("/ssh/rekey", [&h](std::string_view b, const std::string& a) { return h.rekeySsh(b, a); });
  post("/ssh/revoke", [&h](std::string_view b, const std::string& a) { return h.revokeSsh(b, a); });
  // step-ca also routes /ssh/config/{type}; the body's type decides.
  post("/ssh/config(?:/(?:user|host))?", [&h](std::string_view b, const std::string&) { return h.sshConfig(b); });
  post("/ssh/check-host", [&h](std::string_view b, const std::string&) { return h.sshCheckHost(b); });
}

void HttpsServer::Impl::addErrorAndLogHooks() {
  size_t limit = options.maxBodyBytes;
  server->set_pre_routing_handler([limit](const httplib::Request& req, httplib::Response& res) {
    currentTrace = {Clock::now(), {}, true};
    if (int status = bodyFramingRefusal(req); status != 0) {
      send(res, transportError(status, limit));
      res.set_header("Connection", "close");  // the unread body must not be read as the next request
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Called for every status >= 400; our handlers already wrote a JSON body,
  // cpp-httplib's own 404/413/400 have none yet.
  httplib::Server::HandlerWithResponse onError = [limit](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ApiResponse r = transportError(res.status, limit);
    currentTrace.fields = std::move(r.log);  // the log line's code and reason
    res.set_content(r.body, r.contentType);
    return httplib::Server::HandlerResponse::Handled;
  };
  server->set_error_handler(std::move(onError));
  // Our handlers do not throw; this keeps a stray exception's text (which
  // cpp-httplib would put in a header) away from the client.
  server->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    send(res, transportError(500, 0));
  });
  std::function<void(std::string_view)> sink = options.logSink;
  if (!sink) sink = writeToStderr;
  server->set_logger([sink, observer = options.observer](const httplib::Request& req, const httplib::Response& res) {
    RequestLogEntry e{req.method, req.path, res.status, 0, req.remote_addr, std::move(currentTrace.fields)};
    if (currentTrace.active) e.latencyMs = std::chrono::duration<double, std::milli>(Clock::now() - currentTrace.start).count();
    currentTrace = {};
    sink(formatRequestLog(e));
    if (observer) observer(e);
  });
}

Result<int> HttpsServer::Impl::bind(const ListenAddress& address) {
  int bound = address.port == 0 ? server->bind_to_any_port(address.host)
                                : (server->bind_to_port(address.host, address.port) ? address.port : -1);
  if (bound <= 0) {
    return makeError(ErrorCode::IoError, "cannot listen on " + options.listenAddress +
                                             " (address in use, or not an address of this machine)");
  }
  return bound;
}

// Serves on a background thread; returns once the accept loop runs, so that
// a stop() right after start() cannot miss it.
Status HttpsServer::Impl::run() {
  thread = std::thread([this] {
    server->listen_after_bind();
    finished = true;
  });
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!server->is_running() && !finished && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (server->is_running()) return okStatus();
  server->stop();
  thread.join();
  return makeError(ErrorCode::Internal, "the HTTPS server did not start serving");
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(HttpsServerOptions options, AuthorityApi& authority) {
  SSHCA_ASSIGN_OR_RETURN(ListenAddress address, parseListenAddress(options.listenAddress));
  // A client that hangs up mid-response must not kill the CA with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(std::move(options), authority);
  if (Status s = impl->createServer(); !s.ok()) return std::move(s).error().context("setting up HTTPS");
  SSHCA_ASSIGN_OR_RETURN(impl->port, impl->bind(address));
  SSHCA_RETURN_IF_ERROR(impl->run());
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() { stop(); }

int HttpsServer::port() const { return impl_->port; }

void HttpsServer::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->server->stop();
  impl_->thread.join();
}

}  // namespace sshca::api
