// The CA's HTTPS front end: cpp-httplib's SSLServer, routes at "/" and
// "/1.0/" (step-ca serves both, docs/protocol/tokens.md), one JSON log line per request.
// It moves bytes between the socket and ApiHandlers; it holds no crypto and
// no database.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ca/service/api/authority_api.h"
#include "ca/service/api/request_log.h"
#include "ca/service/api/tls_context.h"
#include "ca/core/common/result.h"

namespace sshca::api {

struct HttpsServerOptions {
  std::string listenAddress = "127.0.0.1:8443";  // host:port; port 0 picks a free one
  TlsFiles tls;
  size_t threads = 8;                 // request worker pool
  size_t maxBodyBytes = 64 * 1024;    // larger bodies get 413
  int keepAliveTimeoutSeconds = 5;    // an idle kept-alive connection delays stop() at most this long
  // Receives each request's log line (no newline). Default: a line on stderr.
  std::function<void(std::string_view)> logSink;
  // Sees each request's entry after its log line (metrics). Optional.
  std::function<void(const RequestLogEntry&)> observer;
};

class HttpsServer {
 public:
  // Binds, then serves on a background thread until stop(). `authority` is
  // borrowed and must outlive the server.
  static Result<std::unique_ptr<HttpsServer>> start(HttpsServerOptions options, AuthorityApi& authority);

  ~HttpsServer();  // stops
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The bound port (the kernel's choice when the address said port 0).
  int port() const;
  // Stops accepting, lets in-flight requests finish, joins the threads.
  // Idempotent.
  void stop();

 private:
  struct Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::api
