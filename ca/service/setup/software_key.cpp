#include "ca/service/setup/software_key.h"

#include <openssl/pem.h>

namespace sshca::setup {

Result<ossl::EvpPkey> generateP256Key() {
  ossl::ErrorQueueGuard guard;
  ossl::EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return ossl::error("generating a P-256 key");
  return key;
}

Result<SecretBytes> privateKeyPem(EVP_PKEY* key) {
  ossl::ErrorQueueGuard guard;
  // BIO_s_secmem's buffer is cleansed when freed: the PEM does not linger
  // in the heap after we copied it into SecretBytes.
  ossl::Bio bio(BIO_new(BIO_s_secmem()));
  if (!bio) return ossl::error("allocating a buffer");
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return ossl::error("encoding the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || !data) return makeError(ErrorCode::Internal, "empty private key PEM");
  return SecretBytes(std::string_view(data, static_cast<size_t>(n)));
}

}  // namespace sshca::setup
