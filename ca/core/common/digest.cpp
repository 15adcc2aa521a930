#include "ca/core/common/digest.h"

#include <openssl/evp.h>

namespace sshca {

const EVP_MD* fetchDigestOnce(const char* name, const EVP_MD* fallback) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md ? md : fallback;
}

const EVP_MD* sha256Algorithm() {
  static const EVP_MD* const md = fetchDigestOnce("SHA2-256", EVP_sha256());
  return md;
}

Bytes sha256(std::span<const uint8_t> data) {
  Bytes out(32);
  unsigned int len = 0;
  // EVP_Digest with a fixed, always-available algorithm cannot fail short of
  // memory exhaustion; an all-zero result would then be caught by any
  // comparison that uses it.
  EVP_Digest(data.data(), data.size(), out.data(), &len, sha256Algorithm(), nullptr);
  return out;
}

}  // namespace sshca
