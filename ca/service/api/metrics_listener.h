// GET /metrics on a listener of its own (ca.json's "metricsAddress"): plain
// HTTP on one thread, for the admin's Prometheus, apart from the CA's TLS
// port so that a busy or attacked API cannot hide the numbers that show it.
// It serves the text `render` returns (metrics/metrics_registry) and nothing
// else.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::api {

class MetricsListener {
 public:
  // Binds `address` (host:port; port 0 picks one) and serves on a thread
  // of its own until stop(). IoError if it cannot listen.
  static Result<std::unique_ptr<MetricsListener>> start(const std::string& address,
                                                        std::function<std::string()> render);
  ~MetricsListener();  // stops
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  int port() const;
  void stop();

 private:
  struct Impl;
  explicit MetricsListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sshca::api
