// The CA's HTTPS front end (docs/architecture.md): a few I/O threads own
// every connection (http_connection.h), the authority's blocking work runs
// on its own bounded pool (authority_pool.h), and every connection lives
// under the deadlines and limits of server_limits.h. Routes at "/" and
// "/1.0/" (route_table.h), one JSON log line per request. It moves bytes
// between the socket and ApiHandlers; it holds no crypto besides TLS and no
// database.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/service/api/acme_api.h"
#include "ca/service/api/authority_api.h"
#include "ca/service/api/request_log.h"
#include "ca/service/api/server_limits.h"
#include "ca/service/api/tls_context.h"

namespace sshca::api {

struct HttpsServerOptions {
  std::string listenAddress = "127.0.0.1:8443";  // host:port; port 0 picks a free one
  TlsFiles tls;
  size_t threads = 32;              // the authority's pool (docs/configuration.md)
  size_t ioThreads = 0;             // threads owning the connections; 0 = one per core
  size_t maxBodyBytes = 64 * 1024;  // larger bodies get 413
  ServerLimits limits;
  // Receives each request's log line (no newline). Default: a line on stderr.
  std::function<void(std::string_view)> logSink;
  // Sees each request's entry after its log line (metrics). Optional.
  std::function<void(const RequestLogEntry&)> observer;
  // The ACME server (routes under /acme/); none when null. Borrowed.
  AcmeApi* acme = nullptr;
};

// The front door's load now, for the metrics.
struct FrontDoorLoad {
  size_t openConnections = 0;  // accepted and not yet closed
  size_t queued = 0;           // requests waiting for the authority's pool
  uint64_t shed = 0;           // requests refused (503) by the full or slow queue, since start
};

class HttpsServer {
 public:
  // Binds, then serves on background threads until stop(). `authority` is
  // borrowed and must outlive the server.
  static Result<std::unique_ptr<HttpsServer>> start(HttpsServerOptions options, AuthorityApi& authority);

  ~HttpsServer();  // stops
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The bound port (the kernel's choice when the address said port 0).
  int port() const;
  FrontDoorLoad load() const;
  // Drains: stops accepting, lets in-flight requests finish (at most
  // limits.drainSeconds), closes every connection, joins the threads.
  // Idempotent.
  void stop();

 private:
  struct Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::api
