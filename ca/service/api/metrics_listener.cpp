#include "ca/service/api/metrics_listener.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "ca/service/api/listen_address.h"

namespace sshca::api {

struct MetricsListener::Impl {
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> finished{false};
  int port = 0;
};

namespace {

// Prometheus's text exposition format, version 0.0.4.
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

void route(httplib::Server& server, std::function<std::string()> render) {
  server.Get("/metrics", [render = std::move(render)](const httplib::Request&, httplib::Response& res) {
    res.set_content(render(), kContentType);
  });
  // One thread is plenty for a scraper every few seconds.
  server.new_task_queue = [] { return new httplib::ThreadPool(1); };  // cpp-httplib owns and deletes it
  server.set_keep_alive_max_count(100);
}

}  // namespace

Result<std::unique_ptr<MetricsListener>> MetricsListener::start(const std::string& address,
                                                                std::function<std::string()> render) {
  SSHCA_ASSIGN_OR_RETURN(ListenAddress where, parseListenAddress(address));
  auto impl = std::make_unique<Impl>();
  route(impl->server, std::move(render));
  impl->port = where.port == 0 ? impl->server.bind_to_any_port(where.host)
                               : (impl->server.bind_to_port(where.host, where.port) ? where.port : -1);
  if (impl->port <= 0)
    return makeError(ErrorCode::IoError, "cannot listen on " + address +
                                             " for GET /metrics (address in use, or "
                                             "not an address of this machine)");
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    raw->server.listen_after_bind();
    raw->finished = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl->server.is_running() && !impl->finished && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto listener = std::unique_ptr<MetricsListener>(new MetricsListener(std::move(impl)));
  if (!listener->impl_->server.is_running())
    return makeError(ErrorCode::Internal, "the metrics listener did not start serving");
  return listener;
}

MetricsListener::MetricsListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsListener::~MetricsListener() { stop(); }

int MetricsListener::port() const { return impl_->port; }

void MetricsListener::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->server.stop();
  impl_->thread.join();
}

}  // namespace sshca::api
