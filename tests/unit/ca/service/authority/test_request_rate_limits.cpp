// The two request rate limits together (authority/request_rate_limits.h):
// a loopback source passes both when exempt, and only then; every other
// source is counted.
#include <catch2/catch.hpp>

#include "ca/service/authority/request_rate_limits.h"

using namespace sshca;
using namespace sshca::authority;

TEST_CASE("LoopbackAddressesAreRecognisedInEveryFormTheFrontDoorPrints", "[limits]") {
  for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    INFO(a);
    CHECK(isLoopbackAddress(a));
  }
  for (const char* a :
       {"10.0.0.1", "128.0.0.1", "::2", "::ffff:10.0.0.1", "fe80::1", "", "localhost", "127.0.0.1:80"}) {
    INFO(a);
    CHECK_FALSE(isLoopbackAddress(a));
  }
}

TEST_CASE("ExemptLoopbackPassesBothLimitsOnlyForLoopback", "[limits]") {
  RequestRateLimits limits({0.001, 1}, {0.001, 1}, true);
  for (int i = 0; i < 10; ++i) {
    CHECK(limits.admitAddress("127.0.0.1").ok());
    CHECK(limits.admitProvisioner("::1", "p").ok());
  }
  CHECK(limits.admitAddress("10.0.0.1").ok());
  Status over = limits.admitAddress("10.0.0.1");
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::RateLimited);
  // The provisioner's bucket is counted for remote callers only.
  CHECK(limits.admitProvisioner("10.0.0.2", "p").ok());
  CHECK(limits.admitProvisioner("10.0.0.3", "p").error().code == ErrorCode::RateLimited);
}

TEST_CASE("WithoutTheExemptionLoopbackIsCountedLikeAnyAddress", "[limits]") {
  RequestRateLimits limits({0.001, 1}, {0.001, 1}, false);
  CHECK(limits.admitAddress("127.0.0.1").ok());
  CHECK(limits.admitAddress("127.0.0.1").error().code == ErrorCode::RateLimited);
  CHECK(limits.admitProvisioner("::1", "p").ok());
  CHECK(limits.admitProvisioner("::1", "p").error().code == ErrorCode::RateLimited);
}
