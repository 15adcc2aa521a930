// Signing X.509 structures through the Signer interface, so that the CA keys
// never leave the token and no OpenSSL engine or provider is involved
// (libp11's engine breaks on tokens that hold an Ed25519 key).
//
// The mechanism, for certificates, requests and CRLs alike:
//   1. stamp the signature AlgorithmIdentifier (RFC 5280 4.1.1.2 / 5.1.1.2)
//      into the to-be-signed part and the outer structure;
//   2. DER-encode the to-be-signed part (i2d_re_*_tbs);
//   3. sign those bytes with the Signer (ECDSA r||s becomes an
//      ECDSA-Sig-Value, RFC 3279 2.2.3);
//   4. put the signature in the BIT STRING;
//   5. verify the result with OpenSSL against the Signer's public key and
//      re-parse it from DER, so that nothing unverified or stale-cached is
//      ever returned.
#pragma once

#include <optional>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/signer.h"

namespace sshca::x509 {

// The hash an X.509 signature with this key uses: `requested` if given and
// allowed, else SHA-256 for P-256 and RSA, SHA-384 for P-384, SHA-512 for
// P-521. Ed25519 always signs the message itself (HashAlg::None) and
// refuses any requested digest.
Result<HashAlg> signatureHashFor(KeyAlgorithm alg, std::optional<HashAlg> requested = std::nullopt);

// Parses "sha256", "sha384", "sha512".
Result<HashAlg> parseDigestName(std::string_view name);

// Each takes a fully built, unsigned structure and returns a freshly parsed,
// signed and verified copy. `tbs` itself is left signed but should be
// dropped by the caller (OpenSSL caches derived data on it).
Result<ossl::X509Ptr> signCertificate(X509& tbs, const Signer& signer, HashAlg hash);
Result<ossl::X509Req> signRequest(X509_REQ& tbs, const Signer& signer, HashAlg hash);
Result<ossl::X509Crl> signCrl(X509_CRL& tbs, const Signer& signer, HashAlg hash);

}  // namespace sshca::x509
