// The token's background thread (kms/pkcs11/token_monitor.h): reconnect
// attempts with a bounded, growing backoff until one says done; probes that
// never make the caller wait longer than its budget.
#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/core/kms/pkcs11/reconnect_backoff.h"
#include "ca/core/kms/pkcs11/token_monitor.h"

using namespace sshca;
using namespace sshca::pkcs11;
using namespace std::chrono_literals;

TEST_CASE("ReconnectBackoffDoublesToItsBound", "[pkcs11]") {
  ReconnectBackoff b;
  CHECK(b.next() == 50ms);
  CHECK(b.next() == 100ms);
  CHECK(b.next() == 200ms);
  CHECK(b.next() == 400ms);
  CHECK(b.next() == 800ms);
  CHECK(b.next() == 1000ms);
  CHECK(b.next() == 1000ms);
  b.reset();
  CHECK(b.next() == 50ms);
}

TEST_CASE("TokenMonitorRetriesUntilDone", "[pkcs11]") {
  std::atomic<int> attempts{0};
  TokenMonitor m({[&] { return ++attempts >= 3; }, [] { return okStatus(); }});
  m.startReconnecting();
  m.startReconnecting();  // already running: no second series
  for (int i = 0; i < 500 && attempts < 3; ++i) std::this_thread::sleep_for(10ms);
  CHECK(attempts == 3);
  std::this_thread::sleep_for(300ms);
  CHECK(attempts == 3);  // done: no more attempts
}

TEST_CASE("TokenMonitorProbeNeverWaitsPastItsBudget", "[pkcs11]") {
  std::atomic<bool> release{false};
  TokenMonitor m({[] { return true; },
                  [&] {
                    while (!release) std::this_thread::sleep_for(5ms);
                    return Status(makeError(ErrorCode::Unavailable, "gone"));
                  }});
  auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(m.probe(50ms).has_value());                // the probe hangs: no answer
  CHECK(std::chrono::steady_clock::now() - start < 5s);  // generous: only "not stuck"
  release = true;
  std::optional<Status> later;
  for (int i = 0; i < 500 && !later; ++i) later = m.probe(50ms);
  REQUIRE(later.has_value());
  CHECK(later->error().message == "gone");
}
