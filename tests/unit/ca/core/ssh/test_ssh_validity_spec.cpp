#include <catch2/catch.hpp>

#include "ca/core/ssh/validity_spec.h"

using namespace sshca;
using namespace sshca::ssh;

namespace {
constexpr int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

Validity ok(std::string_view spec, int64_t backdate = 300) {
  auto v = parseValiditySpec(spec, kNow, backdate);
  INFO(spec << ": " << (v.ok() ? "" : v.error().message));
  REQUIRE(v.ok());
  return *v;
}

std::string err(std::string_view spec) {
  auto v = parseValiditySpec(spec, kNow, 300);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().code == ErrorCode::InvalidArgument);
  return v.error().message;
}
}  // namespace

TEST_CASE("ValiditySingleRelativeValueStartsAtNowMinusBackdate") {
  auto v = ok("+16h");
  CHECK(v.validAfter == kNow - 300);
  CHECK(v.validBefore == kNow + 16 * 3600);
}

TEST_CASE("ValidityRelativeUnitsCombine") {
  CHECK(ok("+1w2d").validBefore == kNow + 9 * 86400);
  CHECK(ok("+1h30m").validBefore == kNow + 5400);
  CHECK(ok("+90").validBefore == kNow + 90);
  CHECK(ok("+5m30").validBefore == kNow + 330);
  CHECK(ok("+2H").validBefore == kNow + 7200);
  auto v = ok("-5m:+1d");
  CHECK(v.validAfter == kNow - 300);
  CHECK(v.validBefore == kNow + 86400);
}

TEST_CASE("ValidityAbsoluteTimesAreUtc") {
  auto v = ok("20240101:20240102");
  CHECK(v.validAfter == 1704067200);
  CHECK(v.validBefore == 1704153600);
  CHECK(ok("202401011230:20240229235959Z").validAfter == 1704067200 + 12 * 3600 + 30 * 60);
  CHECK(ok("202401011230:20240229235959Z").validBefore == 1709251199);
  CHECK(ok("0x10:0x20").validAfter == 16);
}

TEST_CASE("ValidityAlwaysAndForever") {
  auto v = ok("always:forever");
  CHECK(v.validAfter == 0);
  CHECK(v.validBefore == UINT64_MAX);
  CHECK(ok("forever").validBefore == UINT64_MAX);
}

TEST_CASE("ValidityRefusesGarbage") {
  CHECK(err("") == "validity '': a time is missing");
  CHECK(err("+") == "validity '+': relative time has no duration");
  CHECK(err("+1y") == "validity '+1y': unknown time unit 'y' (use s, m, h, d or w)");
  CHECK(err("+h") == "validity '+h': expected a number in 'h'");
  CHECK(err("soon") == "validity 'soon': 'soon' is not YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS");
  CHECK(err("tomorrow") == "validity 'tomorrow': 'tomorrow' contains a non-digit");
  CHECK(err("2024013x") == "validity '2024013x': '2024013x' contains a non-digit");
  CHECK(err("20240230") == "validity '20240230': '20240230' is not a valid date and time from 1970 on");
  CHECK(err("202401012460") == "validity '202401012460': '202401012460' is not a valid date and time from 1970 on");
  CHECK(err("+1h:+2h:+3h") == "validity '+1h:+2h:+3h': more than one ':'");
  CHECK(err("forever:+1h") == "validity 'forever:+1h': 'forever' can only end an interval");
  CHECK(err("+1h:always") == "validity '+1h:always': 'always' can only start an interval");
  CHECK(err("+99999999999999999999s") ==
        "validity '+99999999999999999999s': expected a number in '99999999999999999999s'");
}

TEST_CASE("ValidityRefusesEndNotAfterStart") {
  CHECK(err("+1h:+1h") == "validity '+1h:+1h': end 1700003600 is not after start 1700003600");
  CHECK(err("+1h:-1h") == "validity '+1h:-1h': end 1699996400 is not after start 1700003600");
  CHECK(err("-10m") == "validity '-10m': end 1699999400 is not after start 1699999700");
}
