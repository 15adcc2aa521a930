// The CA keys' signature timings (sshca_hsm_signature_duration_seconds):
// buckets are cumulative and agree with the count, a failed signature is
// counted as one, and the timed signer signs exactly as the one it wraps.
#include <stdexcept>

#include <catch2/catch.hpp>

#include "ca/core/keys/signer.h"
#include "ca/service/authority/signature_timings.h"

using namespace sshca;
using authority::SignatureTimings;

namespace {

// Signs with a fixed answer, or fails: no key needed for timing.
class FixedSigner final : public Signer {
 public:
  explicit FixedSigner(bool ok) : ok_(ok) {}
  const PublicKey& publicKey() const override { throw std::logic_error("not used"); }
  std::string description() const override { return "fixed"; }
  Result<Bytes> sign(std::span<const uint8_t>, HashAlg) const override {
    if (!ok_) return makeError(ErrorCode::Unavailable, "token gone");
    return Bytes{1, 2, 3};
  }

 private:
  bool ok_;
};

}  // namespace

TEST_CASE("SignatureTimingsBucketsAreCumulative", "[metrics]") {
  SignatureTimings t;
  t.record(0.0001, true);  // first bucket
  t.record(0.003, true);   // le 0.005
  t.record(7, false);      // past the last bound: +Inf only
  SignatureTimings::Snapshot s = t.snapshot();
  CHECK(s.count == 3);
  CHECK(s.failures == 1);
  CHECK(s.cumulative.front() == 1);
  CHECK(s.cumulative[3] == 2);  // le 0.005
  CHECK(s.cumulative.back() == 2);
  CHECK(s.sumSeconds == Approx(7.0031).epsilon(0.001));
}

TEST_CASE("TimedSignerForwardsAndCounts", "[metrics]") {
  auto timings = std::make_shared<SignatureTimings>();
  SignerPtr good = authority::timedSigner(std::make_shared<FixedSigner>(true), timings);
  SignerPtr bad = authority::timedSigner(std::make_shared<FixedSigner>(false), timings);
  const uint8_t data[] = {9};
  auto sig = good->sign(data, HashAlg::Sha256);
  REQUIRE(sig.ok());
  CHECK(*sig == Bytes{1, 2, 3});
  CHECK(bad->sign(data, HashAlg::Sha256).error().code == ErrorCode::Unavailable);
  CHECK(good->description() == "fixed");
  CHECK(timings->snapshot().count == 2);
  CHECK(timings->snapshot().failures == 1);
}
