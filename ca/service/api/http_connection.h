// One HTTPS connection of the front door, driven by events on the I/O
// threads: TLS handshake, then requests one after another, each read
// under its deadlines and limits (server_limits.h), handed to the
// authority pool, its answer written back. Waiting costs memory, never a
// thread. Holds no crypto besides TLS and maps no ErrorCode: the handlers
// do.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "ca/service/api/authority_pool.h"
#include "ca/service/api/connection_limits.h"
#include "ca/service/api/outstanding_replies.h"
#include "ca/service/api/request_log.h"
#include "ca/service/api/route_table.h"
#include "ca/service/api/server_limits.h"

namespace sshca::api {

// What every connection shares; owned by the server, outlives them all.
struct ServerContext {
  ServerContext(ServerLimits l, size_t body, RouteTable r, AuthorityPool& p, boost::asio::ssl::context& t,
                std::function<void(std::string_view)> log, std::function<void(const RequestLogEntry&)> obs)
      : limits(l),
        maxBodyBytes(body),
        routes(std::move(r)),
        pool(p),
        tls(t),
        logSink(std::move(log)),
        observer(std::move(obs)) {}

  const ServerLimits limits;
  const size_t maxBodyBytes;
  const RouteTable routes;
  AuthorityPool& pool;
  boost::asio::ssl::context& tls;
  const std::function<void(std::string_view)> logSink;
  const std::function<void(const RequestLogEntry&)> observer;  // metrics; may be empty
  std::atomic<bool> draining{false};                           // SIGTERM: finish the request in hand, then close
  std::atomic<size_t> inFlight{0};  // requests between their first byte and their answer written
  OutstandingReplies replies;       // handlers called, not yet replied
};

// Serves the accepted `socket` (whose executor is its own strand) until it
// closes; `slot` is given back then.
void serveConnection(boost::asio::ip::tcp::socket socket, ServerContext& context, ConnectionLimits::Slot slot,
                     std::string remoteAddress);

}  // namespace sshca::api
