#include "ca/service/metrics/metrics_registry.h"

#include <charconv>
#include <cmath>
#include <mutex>
#include <system_error>

namespace sshca::metrics {

namespace {

constexpr std::array<std::string_view, 12> kRoutes{"/health",   "/roots",       "/root",         "/ssh/roots",
                                                   "/ssh/sign", "/ssh/renew",   "/ssh/rekey",    "/ssh/revoke",
                                                   "/ssh/krl",  "/ssh/krl.sig", "/provisioners", "/version"};

// The shortest text that reads back as `v` ("0.005", not "0.0050000000000000001").
std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, const std::string& labels, const std::string& value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

template <class Family>
void counterFamily(std::string& out, std::string_view name, std::string_view help, const Family& family) {
  header(out, name, "counter", help);
  for (const auto& [labels, value] : family) sample(out, name, labels, std::to_string(value->load()));
}

}  // namespace

std::string labelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string routeOf(std::string_view path) {
  if (path.substr(0, 5) == "/1.0/") path.remove_prefix(4);
  for (std::string_view r : kRoutes) {
    if (path == r) return std::string(r);
    // GET /root/{sha256}: one series for every fingerprint.
    if (r == "/root" && path.substr(0, 6) == "/root/") return "/root";
  }
  return "other";
}

std::atomic<uint64_t>& Registry::counter(std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>>& family,
                                         const std::string& labels) {
  {
    std::shared_lock lock(mu_);
    if (auto it = family.find(labels); it != family.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = family[labels];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  return *slot;
}

Registry::Histogram& Registry::histogram(const std::string& labels) {
  {
    std::shared_lock lock(mu_);
    if (auto it = latency_.find(labels); it != latency_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = latency_[labels];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Registry::countRequest(std::string_view route, int status, double seconds) {
  const std::string routeLabel = "route=\"" + labelValue(route) + "\"";
  counter(requests_, routeLabel + ",status=\"" + std::to_string(status) + "\"").fetch_add(1, std::memory_order_relaxed);
  Histogram& h = histogram(routeLabel);
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) h.buckets[i].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sumMicros.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e6), std::memory_order_relaxed);
}

void Registry::countCertificate(std::string_view operation, std::string_view provisioner) {
  counter(certificates_, "operation=\"" + labelValue(operation) + "\",provisioner=\"" + labelValue(provisioner) + "\"")
      .fetch_add(1, std::memory_order_relaxed);
}

void Registry::countRefusal(std::string_view operation, std::string_view code) {
  counter(refusals_, "operation=\"" + labelValue(operation) + "\",code=\"" + labelValue(code) + "\"")
      .fetch_add(1, std::memory_order_relaxed);
}

void Registry::addGauge(std::string name, std::string help, std::function<std::vector<GaugeSample>()> read,
                        std::string type) {
  std::unique_lock lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

std::string Registry::render() const {
  std::string out;
  std::vector<Gauge> gauges;
  {
    std::shared_lock lock(mu_);
    counterFamily(out, "sshca_http_requests_total", "HTTP requests by route and status.", requests_);
    header(out, "sshca_http_request_duration_seconds", "histogram", "HTTP request latency by route.");
    for (const auto& [labels, h] : latency_) {
      for (size_t i = 0; i < kLatencyBuckets.size(); ++i)
        sample(out, "sshca_http_request_duration_seconds_bucket", labels + ",le=\"" + number(kLatencyBuckets[i]) + "\"",
               std::to_string(h->buckets[i].load()));
      sample(out, "sshca_http_request_duration_seconds_bucket", labels + ",le=\"+Inf\"",
             std::to_string(h->count.load()));
      sample(out, "sshca_http_request_duration_seconds_sum", labels,
             number(static_cast<double>(h->sumMicros.load()) / 1e6));
      sample(out, "sshca_http_request_duration_seconds_count", labels, std::to_string(h->count.load()));
    }
    counterFamily(out, "sshca_certificates_total", "SSH certificate operations that succeeded, by provisioner.",
                  certificates_);
    counterFamily(out, "sshca_refusals_total", "Refused certificate operations by error code.", refusals_);
    gauges = gauges_;
  }
  // Gauges are read outside the lock: they may ask the token or the store.
  for (const auto& g : gauges) {
    header(out, g.name, g.type, g.help);
    for (const auto& s : g.read()) sample(out, g.name + s.suffix, s.labels, number(s.value));
  }
  return out;
}

}  // namespace sshca::metrics
