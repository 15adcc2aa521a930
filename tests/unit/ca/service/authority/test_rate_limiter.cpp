// Token buckets per key (authority/rate_limiter.h), on a clock the test
// moves: a burst, then the refill rate; keys apart; memory bounded.
#include <catch2/catch.hpp>

#include "ca/service/authority/rate_limiter.h"

using namespace sshca;
using namespace sshca::authority;

namespace {

struct FakeClock {
  double now = 1000;
  std::function<double()> fn() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("RateLimiterAllowsTheBurstThenTheRate", "[limits]") {
  FakeClock clock;
  RateLimiter limiter({2, 3}, "from this address", 100, clock.fn());
  for (int i = 0; i < 3; ++i) CHECK(limiter.admit("10.0.0.1").ok());
  Status over = limiter.admit("10.0.0.1");
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::RateLimited);
  CHECK(over.error().message.find("from this address") != std::string::npos);
  clock.now += 0.5;  // one token back at 2 a second
  CHECK(limiter.admit("10.0.0.1").ok());
  CHECK_FALSE(limiter.admit("10.0.0.1").ok());
  clock.now += 100;  // refilled to the burst, not beyond
  for (int i = 0; i < 3; ++i) CHECK(limiter.admit("10.0.0.1").ok());
  CHECK_FALSE(limiter.admit("10.0.0.1").ok());
}

TEST_CASE("RateLimiterKeepsKeysApart", "[limits]") {
  FakeClock clock;
  RateLimiter limiter({1, 1}, "from this address", 100, clock.fn());
  CHECK(limiter.admit("a").ok());
  CHECK_FALSE(limiter.admit("a").ok());
  CHECK(limiter.admit("b").ok());
}

TEST_CASE("RateLimiterOffAdmitsEverything", "[limits]") {
  RateLimiter limiter({0, 0}, "from this address");
  for (int i = 0; i < 10000; ++i) REQUIRE(limiter.admit("a").ok());
}

TEST_CASE("RateLimiterBoundsItsKeys", "[limits]") {
  FakeClock clock;
  RateLimiter limiter({1, 1}, "from this address", 2, clock.fn());
  CHECK(limiter.admit("a").ok());
  CHECK(limiter.admit("b").ok());
  // No room: new keys share one bucket (one request, then refused).
  CHECK(limiter.admit("c").ok());
  CHECK_FALSE(limiter.admit("d").ok());
  // Once a and b are full again they are forgotten and make room.
  clock.now += 10;
  CHECK(limiter.admit("e").ok());
  CHECK(limiter.admit("f").ok());
}

// A full map is walked at most once a second: in between, new keys share
// the overflow bucket even when old buckets could be forgotten.
TEST_CASE("RateLimiterForgetsAtMostOnceASecond", "[limits]") {
  FakeClock clock;
  RateLimiter limiter({4, 1}, "from this address", 2, clock.fn());
  CHECK(limiter.admit("a").ok());
  CHECK(limiter.admit("b").ok());
  CHECK(limiter.admit("c").ok());  // walked, nothing to forget: the overflow bucket
  clock.now += 0.5;                // a and b full again, the overflow bucket too
  CHECK(limiter.admit("d").ok());  // no walk yet: the overflow bucket's one token
  CHECK_FALSE(limiter.admit("e").ok());
  clock.now += 0.6;  // a walk is due: a and b are forgotten
  CHECK(limiter.admit("f").ok());
  CHECK(limiter.admit("g").ok());
  CHECK(limiter.admit("h").ok());  // the overflow bucket, refilled
  CHECK_FALSE(limiter.admit("i").ok());
}

TEST_CASE("RateLimiterSaysSlowRatesInWholeUnits", "[limits]") {
  FakeClock clock;
  RateLimiter perHour({0.001, 1}, "from this address", 100, clock.fn());
  REQUIRE(perHour.admit("a").ok());
  CHECK_THAT(perHour.admit("a").error().message, Catch::Contains("more than 3.6 an hour on average"));
  RateLimiter perSecond({50, 1}, "from this address", 100, clock.fn());
  REQUIRE(perSecond.admit("a").ok());
  CHECK_THAT(perSecond.admit("a").error().message, Catch::Contains("more than 50 a second on average"));
}
