// What the ACME server needs to issue and revoke TLS server certificates:
// the X.509 intermediate on the token, and the record the CRL is made from.
// Declared here, implemented by the authority (authority/acme_tls_issuer,
// over the issuing path of POST /x509/sign); the ACME code never holds a key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/x509/certificate_request.h"

namespace sshca::acme {

struct TlsIssueRequest {
  x509::RequestContents csr;       // read and its signature verified by finalize
  std::vector<std::string> names;  // the DNS names, already checked against the order and policy
  uint64_t validitySeconds = 0;
  int64_t now = 0;
  std::string provisioner;  // the ACME provisioner's name, for the record
};

struct IssuedTls {
  std::string chainPem;  // the leaf, then the intermediate
  std::string serialHex;
  int64_t notAfter = 0;
};

class TlsIssuer {
 public:
  virtual ~TlsIssuer() = default;
  // Signs and records the certificate; nothing is returned unrecorded.
  virtual Result<IssuedTls> issue(const TlsIssueRequest& request) = 0;
  // Marks it revoked for the CRL (RFC 5280 reason code).
  virtual Status revoke(const std::string& serialHex, int reasonCode, int64_t at) = 0;
};

}  // namespace sshca::acme
