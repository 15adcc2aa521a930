#include "ca/service/api/https_server.h"

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "ca/core/common/thread_name.h"
#include "ca/service/api/api_handlers.h"
#include "ca/service/api/authority_pool.h"
#include "ca/service/api/connection_limits.h"
#include "ca/service/api/http_connection.h"
#include "ca/service/api/listen_address.h"
#include "ca/service/api/route_table.h"
#include "ca/service/api/session_tickets.h"

namespace sshca::api {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Session ticket keys change this often; a ticket lives as long.
constexpr std::chrono::hours kTicketKeyRotation{12};

// Sockets the process keeps for itself (database, token, log files).
constexpr size_t kReservedFiles = 64;

void writeToStderr(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stderr);  // one call: lines from I/O threads never interleave
}

// Every idle connection is a file descriptor: the soft limit (often 1024)
// goes up to the hard one, and the connection cap down to what fits.
size_t connectionCapFromFileLimit(size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur == RLIM_INFINITY) return wanted;
  size_t fit = rl.rlim_cur > kReservedFiles ? static_cast<size_t>(rl.rlim_cur) - kReservedFiles : 1;
  return std::min(wanted, fit);
}

size_t ioThreadCount(size_t configured) {
  if (configured > 0) return configured;
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 2;
}

// One io_context per I/O thread, run by that thread alone (the hint tells
// Asio so). One context shared by all of them cost each request about
// seven futex calls and a wake-up of another I/O thread as they passed the
// reactor and its completions between them.
std::vector<std::unique_ptr<asio::io_context>> makeIoContexts(size_t n) {
  std::vector<std::unique_ptr<asio::io_context>> out;
  for (size_t i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
  return out;
}

}  // namespace

struct HttpsServer::Impl {
  Impl(HttpsServerOptions o, AuthorityApi& authority)
      : options(std::move(o)),
        handlers(authority),
        acmeHandlers(options.acme != nullptr ? std::make_unique<AcmeHandlers>(*options.acme) : nullptr),
        pool(options.threads, options.limits.queueLength, std::chrono::milliseconds(options.limits.queueWaitMs)),
        connections(connectionCapFromFileLimit(options.limits.maxConnections), options.limits.maxConnectionsPerSource),
        ios(makeIoContexts(ioThreadCount(options.ioThreads))),
        acceptor(asio::make_strand(*ios.front())),
        retryAccept(acceptor.get_executor()) {}

  Status setUpTls();
  Status bind(const ListenAddress& address);
  void accept();
  void onAccept(tcp::socket socket);
  void run();
  void stop();
  asio::io_context& nextIoContext();

  HttpsServerOptions options;
  ApiHandlers handlers;
  std::unique_ptr<AcmeHandlers> acmeHandlers;
  AuthorityPool pool;
  ConnectionLimits connections;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  std::unique_ptr<SessionTickets> tickets;
  std::unique_ptr<ServerContext> context;  // before ios: outlives the connections they destroy
  std::vector<std::unique_ptr<asio::io_context>> ios;
  size_t nextIo = 0;  // the acceptor's strand alone moves it
  tcp::acceptor acceptor;
  asio::steady_timer retryAccept;
  std::vector<std::thread> threads;
  int port = 0;
  bool stopped = false;
};

Status HttpsServer::Impl::setUpTls() {
  SSHCA_RETURN_IF_ERROR(configureServerTls(*tls.native_handle(), options.tls));
  SSHCA_ASSIGN_OR_RETURN(tickets, SessionTickets::install(*tls.native_handle(), kTicketKeyRotation));
  std::function<void(std::string_view)> sink = options.logSink ? options.logSink : writeToStderr;
  context =
      std::make_unique<ServerContext>(options.limits, options.maxBodyBytes, apiRoutes(handlers, acmeHandlers.get()),
                                      pool, tls, std::move(sink), options.observer);
  return okStatus();
}

Status HttpsServer::Impl::bind(const ListenAddress& address) {
  auto cannot = [&](const std::string& why) {
    return makeError(ErrorCode::IoError, "cannot listen on " + options.listenAddress + " (" + why + ")");
  };
  boost::system::error_code ec;
  tcp::resolver resolver(*ios.front());
  auto found = resolver.resolve(address.host, std::to_string(address.port),
                                tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || found.empty()) return cannot("not an address of this machine");
  tcp::endpoint endpoint = found.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return cannot(ec.message());
  // Not SO_REUSEPORT: a second sshca on the same port must fail, not take
  // half the requests.
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  acceptor.bind(endpoint, ec);
  if (ec) return cannot("address in use, or not an address of this machine");
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return cannot(ec.message());
  port = acceptor.local_endpoint().port();
  return okStatus();
}

void HttpsServer::Impl::accept() {
  acceptor.async_accept(asio::make_strand(nextIoContext()), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      onAccept(std::move(socket));
      return accept();
    }
    // Out of file descriptors (or another transient failure): pause rather
    // than spin on an accept that keeps failing.
    retryAccept.expires_after(std::chrono::milliseconds(50));
    retryAccept.async_wait([this](boost::system::error_code wait) {
      if (!wait) accept();
    });
  });
}

// A connection lives on one I/O thread, taken in turn.
asio::io_context& HttpsServer::Impl::nextIoContext() {
  asio::io_context& io = *ios[nextIo];
  nextIo = (nextIo + 1) % ios.size();
  return io;
}

void HttpsServer::Impl::onAccept(tcp::socket socket) {
  boost::system::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;
  std::string remote = peer.address().to_string();
  ConnectionLimits::Slot slot = connections.acquire(remote);
  if (!slot) return;  // over a cap: closed before any TLS work
  // Without it kept-alive HTTPS crawls (Nagle; docs/architecture.md).
  socket.set_option(tcp::no_delay(true), ec);
  serveConnection(std::move(socket), *context, std::move(slot), std::move(remote));
}

void HttpsServer::Impl::run() {
  accept();
  for (auto& io : ios)
    threads.emplace_back([&io = *io] {
      nameThisThread("sshca-io");
      // Runs until stop(), also while no connection lives on this thread.
      auto busy = asio::make_work_guard(io);
      io.run();
    });
}

void HttpsServer::Impl::stop() {
  if (stopped) return;
  stopped = true;
  std::promise<void> closed;
  asio::post(acceptor.get_executor(), [this, &closed] {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    retryAccept.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
  context->draining = true;
  auto deadline = Clock::now() + std::chrono::seconds(options.limits.drainSeconds);
  while (context->inFlight > 0 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (auto& io : ios) io->stop();
  for (auto& t : threads) t.join();
  threads.clear();
  pool.stop();  // after the I/O threads: a queued request is dropped, never started
  // A started request may still wait for its commit; its reply posts to its
  // connection's io_context.
  context->replies.waitForNone();
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(HttpsServerOptions options, AuthorityApi& authority) {
  SSHCA_ASSIGN_OR_RETURN(ListenAddress address, parseListenAddress(options.listenAddress));
  // A client that hangs up mid-response must not kill the CA with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>(std::move(options), authority);
  if (Status s = impl->setUpTls(); !s.ok()) return std::move(s).error().context("setting up HTTPS");
  SSHCA_RETURN_IF_ERROR(impl->bind(address));
  impl->run();
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() { stop(); }

int HttpsServer::port() const { return impl_->port; }

FrontDoorLoad HttpsServer::load() const {
  return {impl_->connections.open(), impl_->pool.queued(), impl_->pool.shed()};
}

void HttpsServer::stop() { impl_->stop(); }

}  // namespace sshca::api
