#include "common/digest.h"

#include <openssl/evp.h>

namespace sshca {

Bytes sha256(std::span<const uint8_t> data) {
  Bytes out(32);
  unsigned int len = 0;
  // EVP_Digest with a fixed, always-available algorithm cannot fail short of
  // memory exhaustion; an all-zero result would then be caught by any
  // comparison that uses it.
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace sshca
