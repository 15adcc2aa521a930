// The ACME server's TlsIssuer (acme/tls_issuer.h) over the authority's one
// issuing path, Authority::issueTlsCertificate: the same intermediate on
// the token as POST /x509/sign, the same record in x509_certificates (the
// CRL's source), the same revocation. ACME adds only what is its own: the
// configured validity and the provisioner's name on the record.
#pragma once

#include <memory>

#include "ca/service/acme/tls_issuer.h"
#include "ca/service/authority/authority.h"

namespace sshca::authority {

// `authority` is borrowed and must outlive the issuer.
std::unique_ptr<acme::TlsIssuer> acmeTlsIssuer(Authority& authority);

}  // namespace sshca::authority
