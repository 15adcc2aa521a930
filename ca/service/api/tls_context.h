// The server's TLS settings, applied to the front door's SSL_CTX: TLS 1.2
// (ECDHE AEAD suites only) or 1.3, the certificate chain and its private key.
//
// The key comes from a PEM file for now. In production the service's TLS
// key should live on the HSM like the CA keys; that (an EVP_PKEY backed by
// the PKCS#11 signer) is future work. The issue accepts a service
// certificate issued from the intermediate with a file key.
#pragma once

#include <string>

#include <openssl/ssl.h>

#include "ca/core/common/result.h"

namespace sshca::api {

struct TlsFiles {
  std::string certChainFile;   // PEM: the service certificate, then the intermediate(s)
  std::string privateKeyFile;  // PEM, unencrypted, readable by the service only
};

Status configureServerTls(SSL_CTX& ctx, const TlsFiles& files);

}  // namespace sshca::api
