// Randomness is injected: production uses the OS CSPRNG through OpenSSL,
// tests may pass a deterministic source.
#pragma once

#include <cstdint>
#include <span>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"

namespace sshca {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual Status fill(std::span<uint8_t> out) = 0;

  Result<Bytes> bytes(size_t n);
  // A uniformly random non-zero 64-bit value (certificate serials).
  Result<uint64_t> nonZeroU64();
};

// OpenSSL's RAND_bytes (seeded from the OS). Thread-safe.
RandomSource& systemRandom();

}  // namespace sshca
