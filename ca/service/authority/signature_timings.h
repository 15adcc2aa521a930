// How long the CA keys' signatures take (on the token, for an HSM key):
// each sign() timed by a wrapper around the signer, counted into fixed
// buckets with atomics, read by the metrics at each scrape. The authority
// wraps its two SSH CA signers; nothing here knows the metrics' format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "ca/core/keys/signer.h"

namespace sshca::authority {

class SignatureTimings {
 public:
  // Upper bounds in seconds (+Inf implied): a SoftHSM2 ECDSA signature
  // takes well under a millisecond, a network HSM's tens of them, a token
  // that queues or reconnects seconds.
  static constexpr std::array<double, 11> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

  struct Snapshot {
    std::array<uint64_t, kBuckets.size()> cumulative{};  // signatures at or under each bound
    uint64_t count = 0;
    double sumSeconds = 0;
    uint64_t failures = 0;  // sign() returned an error (counted in the above too)
  };

  void record(double seconds, bool ok);
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets_{};  // per bucket, not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sumMicros_{0};
  std::atomic<uint64_t> failures_{0};
};

// `inner`, with every sign() timed into `timings`.
SignerPtr timedSigner(SignerPtr inner, std::shared_ptr<SignatureTimings> timings);

}  // namespace sshca::authority
