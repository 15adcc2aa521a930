#include "ca/core/x509/private_key_pem.h"

#include <openssl/pem.h>

namespace sshca::x509 {

Result<SecretBytes> privateKeyPem(EVP_PKEY& key) {
  ossl::ErrorQueueGuard guard;
  // BIO_s_secmem's buffer is cleansed when freed: the PEM does not linger
  // in the heap after it is copied into SecretBytes.
  ossl::Bio bio(BIO_new(BIO_s_secmem()));
  if (!bio) return ossl::error("allocating a buffer");
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return ossl::error("encoding the private key");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  if (n <= 0 || !data) return makeError(ErrorCode::Internal, "empty private key PEM");
  return SecretBytes(std::string_view(data, static_cast<size_t>(n)));
}

}  // namespace sshca::x509
