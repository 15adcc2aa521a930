// The metrics registry's text: counters by label set, a cumulative latency
// histogram, gauges read at render time, routes folded into a closed set
// and label values escaped. promtool's own check is in
// tests/e2e/serve_metrics.sh.
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "ca/service/metrics/metrics_registry.h"

using namespace sshca;
using metrics::Registry;

TEST_CASE("MetricsRoutesAreAClosedSet", "[metrics]") {
  CHECK(metrics::routeOf("/1.0/ssh/sign") == "/ssh/sign");
  CHECK(metrics::routeOf("/ssh/sign") == "/ssh/sign");
  CHECK(metrics::routeOf("/root/0123abcd") == "/root");
  CHECK(metrics::routeOf("/ssh/sign/../../etc") == "other");
  CHECK(metrics::routeOf("/random-scan-1234") == "other");
  CHECK(metrics::labelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

TEST_CASE("MetricsRenderCountersHistogramAndGauges", "[metrics]") {
  Registry r;
  r.countRequest("/ssh/sign", 201, 0.003);
  r.countRequest("/ssh/sign", 201, 0.2);
  r.countRequest("/ssh/sign", 401, 20);
  r.countCertificate("sign", "corp");
  r.countRefusal("sign", "unauthenticated");
  int reads = 0;
  r.addGauge("sshca_krl_version", "The KRL version.", [&reads] {
    ++reads;
    return std::vector<metrics::GaugeSample>{{"", 7}};
  });
  std::string text = r.render();
  CHECK(reads == 1);
  CHECK_THAT(text, Catch::Contains("# TYPE sshca_http_requests_total counter\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_requests_total{route=\"/ssh/sign\",status=\"201\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_requests_total{route=\"/ssh/sign\",status=\"401\"} 1\n"));
  // Cumulative buckets: 0.003 is in every bucket, 0.2 from 0.25 on, 20 only in +Inf.
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_bucket{route=\"/ssh/sign\",le=\"0.005\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_bucket{route=\"/ssh/sign\",le=\"0.25\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_bucket{route=\"/ssh/sign\",le=\"10\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_bucket{route=\"/ssh/sign\",le=\"+Inf\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_count{route=\"/ssh/sign\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("sshca_certificates_total{operation=\"sign\",provisioner=\"corp\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("sshca_refusals_total{operation=\"sign\",code=\"unauthenticated\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("# TYPE sshca_krl_version gauge\nsshca_krl_version 7\n"));
}

// Counting from many threads at once loses nothing (the atomics), and a
// new label set appearing meanwhile is safe (the lock).
TEST_CASE("MetricsCountFromManyThreads", "[metrics]") {
  Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 1000; ++i) r.countRequest(i % 2 ? "/ssh/sign" : "/health", 200 + t, 0.001);
    });
  for (auto& th : threads) th.join();
  std::string text = r.render();
  for (int t = 0; t < 4; ++t)
    CHECK_THAT(text, Catch::Contains("sshca_http_requests_total{route=\"/health\",status=\"" + std::to_string(200 + t) +
                                     "\"} 500\n"));
  CHECK_THAT(text, Catch::Contains("sshca_http_request_duration_seconds_count{route=\"/ssh/sign\"} 2000\n"));
}
