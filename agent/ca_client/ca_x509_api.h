// POST /1.0/x509/sign, typed: a PKCS#10 request and an SSHPOP token in,
// the TLS certificate and its chain out (docs/protocol/api.md; step-ca's
// /sign shape).
#pragma once

#include <string>

#include "agent/ca_client/ca_client.h"
#include "ca/core/common/result.h"

namespace sshca::agent {

struct TlsCertificateAnswer {
  std::string certificatePem;  // "crt"
  std::string chainPem;        // "certChain" joined: the certificate, then its CA certificates
};

Result<TlsCertificateAnswer> signTlsCertificate(const CaClient& ca, const std::string& csrPem,
                                                const std::string& sshpop);

}  // namespace sshca::agent
