// The CA's metrics, kept in memory and rendered in Prometheus's text
// exposition format (version 0.0.4) for GET /metrics. No HTTP here: the
// listener (api/metrics_listener) asks render() for the text. Counting is
// on the request path, so it is cheap: a series is found under a shared
// lock and bumped with atomics; the exclusive lock is taken only the first
// time a label set appears. Labels come from closed sets (routes, error
// codes, provisioner names), never from callers' bytes.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sshca::metrics {

// A value read when the metrics are scraped: an expiry time, the KRL's size.
struct GaugeSample {
  GaugeSample() = default;
  GaugeSample(std::string l, double v, std::string s = {}) : labels(std::move(l)), value(v), suffix(std::move(s)) {}

  std::string labels;  // `name="value",...` (already escaped), or ""
  double value = 0;
  std::string suffix;  // appended to the family's name: "_bucket", "_sum", "_count"
};

class Registry {
 public:
  // Latency buckets in seconds (upper bounds; +Inf is implied).
  static constexpr std::array<double, 10> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

  // One HTTP request: its route (see routeOf), status and latency.
  void countRequest(std::string_view route, int status, double seconds);
  // A certificate operation that succeeded ("sign", "renew", "rekey",
  // "revoke") through a provisioner.
  void countCertificate(std::string_view operation, std::string_view provisioner);
  // A refused certificate operation, by the error code's name.
  void countRefusal(std::string_view operation, std::string_view code);

  // A gauge family evaluated at every scrape. `read` runs on the scraping
  // thread and must be safe to call from there. `type` is "gauge", or
  // "counter" / "summary" for values that someone else counts (the store's
  // commits, the pool's shed requests) and that are only read here.
  void addGauge(std::string name, std::string help, std::function<std::vector<GaugeSample>()> read,
                std::string type = "gauge");

  // The text format: # HELP, # TYPE and the samples of every family.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::atomic<uint64_t>, kLatencyBuckets.size()> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sumMicros{0};
  };
  struct Gauge {
    std::string name, help, type;
    std::function<std::vector<GaugeSample>()> read;
  };

  std::atomic<uint64_t>& counter(std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>>& family,
                                 const std::string& labels);
  Histogram& histogram(const std::string& labels);

  mutable std::shared_mutex mu_;                                            // guards the maps' shapes, not the values
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> requests_;  // route, status
  std::map<std::string, std::unique_ptr<Histogram>> latency_;               // route
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> certificates_;  // operation, provisioner
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>> refusals_;      // operation, code
  std::vector<Gauge> gauges_;
};

// The route a request path counts under: the API's routes with step-ca's
// "/1.0" prefix removed, and "other" for anything else, so that a scan of
// random paths cannot grow the series without bound.
std::string routeOf(std::string_view path);

// `value` as a label value: backslash, double quote and line feed escaped.
std::string labelValue(std::string_view value);

}  // namespace sshca::metrics
