#include "ca/service/setup/software_key.h"

#include <openssl/evp.h>

namespace sshca::setup {

Result<ossl::EvpPkey> generateP256Key() {
  ossl::ErrorQueueGuard guard;
  ossl::EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return ossl::error("generating a P-256 key");
  return key;
}

}  // namespace sshca::setup
