// The JSON of POST /x509/sign, as step-ca's /sign has it
// (docs/protocol/api.md): {"csr": PEM, "ott", "notBefore", "notAfter"} in,
// {"crt": PEM, "ca": PEM, "certChain": [PEM...]} out.
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/service/api/authority_api.h"

namespace sshca::api {

Result<X509SignRequest> parseX509SignRequest(std::string_view body);
// "crt" the certificate, "ca" its issuer, "certChain" the certificate then
// every CA certificate of the chain (what a TLS server sends).
std::string renderX509Certificate(const X509Certificate& issued);

}  // namespace sshca::api
