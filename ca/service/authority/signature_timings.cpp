#include "ca/service/authority/signature_timings.h"

#include <chrono>

namespace sshca::authority {

namespace {

class TimedSigner final : public Signer {
 public:
  TimedSigner(SignerPtr inner, std::shared_ptr<SignatureTimings> timings)
      : inner_(std::move(inner)), timings_(std::move(timings)) {}

  const PublicKey& publicKey() const override { return inner_->publicKey(); }
  std::string description() const override { return inner_->description(); }
  Status ready(std::chrono::milliseconds budget) const override { return inner_->ready(budget); }

  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override {
    const auto start = std::chrono::steady_clock::now();
    Result<Bytes> out = inner_->sign(data, hash);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    timings_->record(took.count(), out.ok());
    return out;
  }

 private:
  SignerPtr inner_;
  std::shared_ptr<SignatureTimings> timings_;
};

}  // namespace

void SignatureTimings::record(double seconds, bool ok) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  if (i < kBuckets.size()) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sumMicros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  if (!ok) failures_.fetch_add(1, std::memory_order_relaxed);
}

SignatureTimings::Snapshot SignatureTimings::snapshot() const {
  Snapshot s;
  uint64_t running = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  // Read after the buckets: a signature recorded meanwhile may show in the
  // count and not yet in a bucket, never the other way round (+Inf >= le).
  s.count = std::max(count_.load(std::memory_order_relaxed), running);
  s.sumSeconds = static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6;
  s.failures = failures_.load(std::memory_order_relaxed);
  return s;
}

SignerPtr timedSigner(SignerPtr inner, std::shared_ptr<SignatureTimings> timings) {
  return std::make_shared<TimedSigner>(std::move(inner), std::move(timings));
}

}  // namespace sshca::authority
