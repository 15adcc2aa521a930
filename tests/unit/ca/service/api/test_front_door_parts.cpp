// The front door's parts that need no socket: the authority's bounded pool
// (load shedding), the route table and the connection caps.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/service/api/authority_pool.h"
#include "ca/service/api/connection_limits.h"
#include "ca/service/api/route_table.h"

using namespace sshca;
using namespace std::chrono_literals;

TEST_CASE("AuthorityPoolRefusesBeyondItsQueueAndShedsLateJobsUnstarted", "[api]") {
  api::AuthorityPool pool(1, 2, 50ms);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> running;
  REQUIRE(pool.submit([&](bool started) {
    CHECK(started);
    running.set_value();
    released.wait();  // holds the only thread: a token that does not answer
  }));
  running.get_future().wait();
  std::atomic<int> ran{0}, shed{0};
  auto count = [&](bool started) { ++(started ? ran : shed); };
  CHECK(pool.submit(count));
  CHECK(pool.submit(count));
  CHECK_FALSE(pool.submit(count));  // the queue holds two
  CHECK(pool.queued() == 2);
  CHECK(pool.shed() == 1);             // the refused one
  std::this_thread::sleep_for(100ms);  // past both queued jobs' deadline
  release.set_value();
  for (int i = 0; i < 500 && shed + ran < 2; ++i) std::this_thread::sleep_for(10ms);
  CHECK(shed == 2);
  CHECK(ran == 0);
  CHECK(pool.shed() == 3);  // and the two that started too late
  CHECK(pool.queued() == 0);
  // Fresh work runs again.
  std::promise<bool> fresh;
  REQUIRE(pool.submit([&](bool started) { fresh.set_value(started); }));
  CHECK(fresh.get_future().get());
}

TEST_CASE("AuthorityPoolStopDropsQueuedJobsUncalled", "[api]") {
  std::atomic<int> called{0};
  {
    api::AuthorityPool pool(1, 10, 10s);
    std::promise<void> running;
    std::promise<void> release;
    pool.submit([&](bool) {
      running.set_value();
      release.get_future().wait();
    });
    running.get_future().wait();
    for (int i = 0; i < 5; ++i) pool.submit([&](bool) { ++called; });
    std::thread stopper([&] { pool.stop(); });
    std::this_thread::sleep_for(20ms);
    release.set_value();
    stopper.join();
    CHECK_FALSE(pool.submit([&](bool) { ++called; }));
  }
  CHECK(called == 0);
}

TEST_CASE("RouteTableMatchesMethodPathParametersAndTheVersionPrefix", "[api]") {
  api::RouteTable t;
  auto answer = [](int status) {
    return [status](const api::RouteRequest& r) {
      api::ApiResponse out;
      out.status = status;
      for (const auto& p : r.params) out.body += p + ";";
      return out;
    };
  };
  t.add("GET", "/health", answer(1));
  t.add("GET", "/ssh/krl.sig", answer(2));
  t.add("GET", "/provisioners/{kid}/encrypted-key", answer(3));
  // A deferred handler answers through the same call.
  t.addDeferred("POST", "/ssh/sign", [answer](const api::RouteRequest& r, api::Reply reply) { reply(answer(4)(r)); });
  std::string client = "127.0.0.1";
  auto call = [&](const char* method, const char* path) -> std::pair<int, std::string> {
    std::vector<std::string> params;
    const api::RouteHandler* h = t.match(method, path, params);
    if (!h) return {0, ""};
    api::ApiResponse r;
    (*h)(api::RouteRequest{"", client, params}, [&r](api::ApiResponse got) { r = std::move(got); });
    return {r.status, r.body};
  };
  CHECK(call("GET", "/health").first == 1);
  CHECK(call("GET", "/1.0/health").first == 1);
  CHECK(call("GET", "/ssh/krl.sig").first == 2);
  CHECK(call("GET", "/ssh/krlXsig").first == 0);  // a literal dot, not a regex
  CHECK(call("GET", "/provisioners/abc/encrypted-key") == std::pair<int, std::string>{3, "abc;"});
  CHECK(call("POST", "/1.0/ssh/sign").first == 4);
  CHECK(call("GET", "/ssh/sign").first == 0);  // wrong method
  CHECK(call("GET", "/health/").first == 0);
  CHECK(call("GET", "//health").first == 0);
  CHECK(call("GET", "health").first == 0);
  CHECK(call("GET", "/2.0/health").first == 0);
}

TEST_CASE("ConnectionLimitsCapTotalAndPerSourceAndGiveSlotsBack", "[api]") {
  api::ConnectionLimits limits(3, 2);
  auto a1 = limits.acquire("10.0.0.1");
  auto a2 = limits.acquire("10.0.0.1");
  CHECK(a1);
  CHECK(a2);
  CHECK_FALSE(limits.acquire("10.0.0.1"));  // per source
  auto b1 = limits.acquire("10.0.0.2");
  CHECK(b1);
  CHECK_FALSE(limits.acquire("10.0.0.3"));  // in total
  CHECK(limits.open() == 3);
  { auto gone = std::move(a1); }
  CHECK(limits.open() == 2);
  CHECK(limits.acquire("10.0.0.1"));
}
