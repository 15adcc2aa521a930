// PEM (RFC 7468) text of certificates, requests and CRLs. Readers also
// accept DER, so people can pass either.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"

namespace sshca::x509 {

Result<ossl::X509Ptr> certificateFromPemOrDer(std::string_view data);
// Every certificate of a PEM bundle (chain.pem), in file order.
Result<std::vector<ossl::X509Ptr>> certificatesFromPem(std::string_view pem);
Result<ossl::X509Req> requestFromPemOrDer(std::string_view data);
Result<ossl::X509Crl> crlFromPemOrDer(std::string_view data);

Result<std::string> toPem(const X509& cert);
Result<std::string> toPem(const X509_REQ& req);
Result<std::string> toPem(const X509_CRL& crl);

}  // namespace sshca::x509
