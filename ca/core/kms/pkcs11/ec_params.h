// CKA_EC_PARAMS (DER) for the curves sshca uses, and CKA_EC_POINT wrapping.
#pragma once

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"

namespace sshca::pkcs11 {

// namedCurve OIDs: P-256 1.2.840.10045.3.1.7, P-384 1.3.132.0.34; Ed25519 as
// the RFC 8410 OID 1.3.101.112 (SoftHSM2 2.6.1 accepts the OID; PKCS#11 3.0
// also allows the PrintableString "edwards25519", accepted when reading).
Result<Bytes> ecParamsFor(KeyAlgorithm alg);
Result<KeyAlgorithm> algorithmOfEcParams(std::span<const uint8_t> der);

// CKA_EC_POINT is a DER OCTET STRING holding the point (PKCS#11 2.40 §2.3.3);
// some modules store the bare point. Returns the point either way.
Bytes unwrapEcPoint(std::span<const uint8_t> attr);
Bytes wrapEcPoint(std::span<const uint8_t> point);

}  // namespace sshca::pkcs11
