// PKCS#10 certificate requests (RFC 2986): creating one for a key on the
// token, and reading one a CA is asked to sign. Reading never trusts the
// request: the self-signature is verified first and every name checked.
#pragma once

#include <span>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"
#include "ca/core/x509/subject_alt_name.h"

namespace sshca::x509 {

// A request with this subject for the Signer's key, signed by it.
Result<ossl::X509Req> createCertificateRequest(const X509_NAME& subject, const Signer& signer, HashAlg hash);
// The same with a subjectAltName extension request (a TLS server's names).
Result<ossl::X509Req> createCertificateRequest(const X509_NAME& subject, const Signer& signer, HashAlg hash,
                                               std::span<const SubjectAltName> sans);

struct RequestContents {
  ossl::X509Name subject;
  PublicKey key;
  std::vector<SubjectAltName> subjectAltNames;
  bool requestsCa = false;  // extensionRequest asks for basicConstraints CA:TRUE
};

// CryptoFailure if the signature does not verify; InvalidArgument for
// SANs the CA does not issue.
Result<RequestContents> readCertificateRequest(X509_REQ& req);

}  // namespace sshca::x509
