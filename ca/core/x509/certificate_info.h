// What the CA records and prints about a certificate it issued.
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::x509 {

struct CertificateInfo {
  std::string serialHex;  // serialToHex
  std::string subject;    // formatDistinguishedName
  std::string issuer;
  std::vector<std::string> subjectAltNames;  // "DNS:x", "IP:y"
  std::time_t notBefore = 0;
  std::time_t notAfter = 0;
};

Result<CertificateInfo> describeCertificate(const X509& cert);

// InvalidArgument unless the certificate's public key is `key`.
Status checkCertificateMatchesKey(const X509& cert, const PublicKey& key);

}  // namespace sshca::x509
