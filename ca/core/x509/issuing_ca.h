// A CA that signs: its certificate plus the Signer for its key (on the
// token), checked to belong together before anything is signed.
#pragma once

#include <ctime>
#include <optional>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/signer.h"

namespace sshca::x509 {

// Move-only: owns the certificate, shares the Signer.
class IssuingCa {
 public:
  // Refuses a certificate that is not a CA (basicConstraints CA:TRUE and
  // keyUsage keyCertSign), is not valid at `now`, or whose public key is
  // not the Signer's. `digest` as in signatureHashFor.
  static Result<IssuingCa> create(ossl::X509Ptr cert, SignerPtr signer, std::time_t now,
                                  std::optional<HashAlg> digest = std::nullopt);

  // Borrowed; OpenSSL's accessors take non-const pointers (they cache).
  X509& certificate() const { return *cert_; }
  const Signer& signer() const { return *signer_; }
  HashAlg hash() const { return hash_; }
  std::time_t notAfter() const { return notAfter_; }

  // InvalidArgument if a certificate ending at `notAfter` would outlive
  // this CA's certificate.
  Status checkWithin(std::time_t notAfter) const;

 private:
  IssuingCa(ossl::X509Ptr cert, SignerPtr signer, HashAlg hash, std::time_t notAfter)
      : cert_(std::move(cert)), signer_(std::move(signer)), hash_(hash), notAfter_(notAfter) {}
  ossl::X509Ptr cert_;
  SignerPtr signer_;
  HashAlg hash_;
  std::time_t notAfter_;
};

}  // namespace sshca::x509
