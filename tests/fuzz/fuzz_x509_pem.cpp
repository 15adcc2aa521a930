// libFuzzer target: X.509 inputs in PEM or DER: certificates (sshca pki
// import, the agent's pinned root), certificate requests with their
// contents as the CA reads them (signature, SANs, CA flag), CRLs.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/key_checks.cpp
// fuzz-sources: ca/core/x509/x509_pem.cpp ca/core/x509/certificate_request.cpp ca/core/x509/subject_alt_name.cpp
// fuzz-sources: ca/core/x509/distinguished_name.cpp ca/core/x509/x509_extensions.cpp ca/core/x509/x509_signing.cpp
#include <cstdint>
#include <string_view>

#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/x509_pem.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)sshca::x509::certificateFromPemOrDer(in);
  (void)sshca::x509::certificatesFromPem(in);
  (void)sshca::x509::crlFromPemOrDer(in);
  if (auto req = sshca::x509::requestFromPemOrDer(in); req.ok()) (void)sshca::x509::readCertificateRequest(*req->get());
  return 0;
}
