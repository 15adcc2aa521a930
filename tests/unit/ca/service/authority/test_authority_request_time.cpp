// The validity strings of POST /ssh/sign: RFC 3339 times and Go durations,
// as step clients send them.
#include <catch2/catch.hpp>

#include "ca/core/common/utc_time.h"
#include "ca/service/authority/request_time.h"

using namespace sshca;
using namespace sshca::authority;

namespace {
constexpr int64_t kNow = 1800000000;  // 2027-01-15T08:00:00Z
}

TEST_CASE("RequestTimeEmptyMeansUnset", "[authority]") {
  auto t = parseRequestTime("", kNow, "validAfter");
  REQUIRE(t.ok());
  CHECK_FALSE(t->has_value());
}

TEST_CASE("RequestTimeAcceptsRfc3339", "[authority]") {
  CHECK(parseRfc3339("2027-01-15T08:00:00Z").value() == kNow);
  CHECK(parseRfc3339("2027-01-15t08:00:00z").value() == kNow);
  CHECK(parseRfc3339("2027-01-15T08:00:00.999999999Z").value() == kNow);
  CHECK(parseRfc3339("2027-01-15T09:30:00+01:30").value() == kNow);
  CHECK(parseRfc3339("2027-01-15T06:00:00-02:00").value() == kNow);
  CHECK(parseRfc3339("1970-01-01T00:00:00Z").value() == 0);
  CHECK(parseRfc3339("2028-02-29T00:00:00Z").ok());
}

TEST_CASE("RequestTimeRefusesMalformedRfc3339", "[authority]") {
  for (const char* bad : {"2027-01-15", "2027-01-15T08:00:00", "2027-01-15 08:00:00Z", "2027-13-01T00:00:00Z",
                          "2027-02-29T00:00:00Z", "2027-01-15T24:00:00Z", "2027-01-15T08:00:00.Z",
                          "2027-01-15T08:00:00+1:00", "2027-01-15T08:00:00Zjunk", "20270115T080000Z"}) {
    INFO(bad);
    CHECK_FALSE(parseRfc3339(bad).ok());
  }
}

TEST_CASE("RequestTimeAcceptsGoDurations", "[authority]") {
  CHECK(parseGoDuration("5m").value() == 300);
  CHECK(parseGoDuration("-1h").value() == -3600);
  CHECK(parseGoDuration("+90s").value() == 90);
  CHECK(parseGoDuration("1h30m").value() == 5400);
  CHECK(parseGoDuration("1.5h").value() == 5400);
  CHECK(parseGoDuration("1500ms").value() == 1);
  CHECK(parseGoDuration("0").value() == 0);
  CHECK(parseGoDuration("-0").value() == 0);
  CHECK(parseGoDuration("100ns").value() == 0);
  CHECK(parseGoDuration("2h0m0s").value() == 7200);
}

TEST_CASE("RequestTimeRefusesMalformedDurations", "[authority]") {
  for (const char* bad : {"5", "m", "-", "5d", "1w", "5 m", "5mm", "1h-5m", ".h", "abc", "9999999999h", "5m "}) {
    INFO(bad);
    CHECK_FALSE(parseGoDuration(bad).ok());
  }
}

TEST_CASE("RequestTimeDurationIsRelativeToNow", "[authority]") {
  CHECK(parseRequestTime("5m", kNow, "validBefore").value() == std::optional<uint64_t>(kNow + 300));
  CHECK(parseRequestTime("-1h", kNow, "validAfter").value() == std::optional<uint64_t>(kNow - 3600));
  CHECK(parseRequestTime("2027-01-15T08:00:00Z", kNow, "validAfter").value() == std::optional<uint64_t>(kNow));
}

TEST_CASE("RequestTimeGarbageIsInvalidArgumentNamingTheField", "[authority]") {
  auto t = parseRequestTime("tomorrow", kNow, "validBefore");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == ErrorCode::InvalidArgument);
  CHECK(t.error().message.find("validBefore") != std::string::npos);
}

TEST_CASE("RequestTimeRefusesTimesBefore1970", "[authority]") {
  auto t = parseRequestTime("-600000h", kNow, "validAfter");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == ErrorCode::InvalidArgument);
}
