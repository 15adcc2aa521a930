#include "ca/core/jose/jti.h"

namespace sshca::jose {

namespace {
// 256 bits: guessing or colliding another token's id is out of reach.
constexpr size_t kJtiBytes = 32;
}  // namespace

Result<std::string> newJti(RandomSource& random) {
  SSHCA_ASSIGN_OR_RETURN(Bytes b, random.bytes(kJtiBytes));
  return toHex(b);
}

}  // namespace sshca::jose
