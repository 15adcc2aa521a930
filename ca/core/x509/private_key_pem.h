// Writing a private key as unencrypted PKCS#8 PEM (RFC 5958, RFC 7468
// "PRIVATE KEY"), the form nginx, Apache and OpenSSL read: the TLS key a
// host makes for itself (sshca-agent host tls). The text stays in memory
// that is cleansed when freed.
#pragma once

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::x509 {

Result<SecretBytes> privateKeyPem(EVP_PKEY& key);

}  // namespace sshca::x509
