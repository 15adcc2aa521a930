#include "ca/core/common/random.h"

#include <openssl/rand.h>

#include "ca/core/common/ossl.h"

namespace sshca {

Result<Bytes> RandomSource::bytes(size_t n) {
  Bytes b(n);
  SSHCA_RETURN_IF_ERROR(fill(b));
  return b;
}

Result<uint64_t> RandomSource::nonZeroU64() {
  for (;;) {
    uint8_t b[8];
    SSHCA_RETURN_IF_ERROR(fill(b));
    uint64_t v = 0;
    for (uint8_t c : b) v = v << 8 | c;
    if (v != 0) return v;
  }
}

namespace {
class OpenSslRandom final : public RandomSource {
 public:
  Status fill(std::span<uint8_t> out) override {
    if (out.empty()) return okStatus();
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) return ossl::error("RAND_bytes");
    return okStatus();
  }
};
}  // namespace

RandomSource& systemRandom() {
  static OpenSslRandom r;
  return r;
}

}  // namespace sshca
