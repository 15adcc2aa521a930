// The certificate and CRL extensions the CA writes (RFC 5280 4.2, 5.2).
// Fixed values go through OpenSSL's x509v3 config syntax; anything that
// came from a request (names) is built as ASN.1 structures directly, so no
// request content is ever parsed as configuration.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/x509/subject_alt_name.h"

namespace sshca::x509 {

// basicConstraints, critical. pathLen only for a CA.
Status addBasicConstraints(X509& cert, bool isCa, std::optional<int> pathLen = std::nullopt);
// keyUsage, critical: a list in x509v3 syntax ("keyCertSign, cRLSign").
Status addKeyUsage(X509& cert, std::string_view usages);
// extendedKeyUsage, not critical: "serverAuth" or "clientAuth".
Status addExtendedKeyUsage(X509& cert, std::string_view usages);
// subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280
// 4.2.1.2 method 1). The certificate's public key must be set.
Status addSubjectKeyId(X509& cert);
// authorityKeyIdentifier with the keyIdentifier of `issuer`.
Status addAuthorityKeyId(X509& cert, const X509& issuer);
Status addSubjectAltNames(X509& cert, std::span<const SubjectAltName> names);

// CRL extensions (RFC 5280 5.2.1, 5.2.3).
Status addCrlAuthorityKeyId(X509_CRL& crl, const X509& issuer);
Status addCrlNumber(X509_CRL& crl, uint64_t number);

// The key identifier of a certificate: its subjectKeyIdentifier, or the
// SHA-1 of its public key when it has none.
Result<ossl::Asn1OctetString> keyIdentifierOf(const X509& cert);

}  // namespace sshca::x509
