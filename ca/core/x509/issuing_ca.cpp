#include "ca/core/x509/issuing_ca.h"

#include "ca/core/x509/x509_signing.h"
#include "ca/core/x509/x509_time.h"

namespace sshca::x509 {

namespace {

Status checkIsCa(X509& cert) {
  if (X509_check_ca(&cert) != 1)
    return makeError(ErrorCode::InvalidArgument, "the CA certificate is not a CA (basicConstraints CA:TRUE missing)");
  if ((X509_get_extension_flags(&cert) & EXFLAG_KUSAGE) && !(X509_get_key_usage(&cert) & KU_KEY_CERT_SIGN))
    return makeError(ErrorCode::InvalidArgument, "the CA certificate's keyUsage lacks keyCertSign");
  return okStatus();
}

Status checkKeyMatches(const X509& cert, const Signer& signer) {
  if (EVP_PKEY_eq(X509_get0_pubkey(&cert), signer.publicKey().evp()) != 1)
    return makeError(ErrorCode::InvalidArgument,
                     "the CA certificate does not belong to the key " + signer.description());
  return okStatus();
}

}  // namespace

Result<IssuingCa> IssuingCa::create(ossl::X509Ptr cert, SignerPtr signer, std::time_t now,
                                    std::optional<HashAlg> digest) {
  if (!cert || !signer) return makeError(ErrorCode::Internal, "IssuingCa without certificate or signer");
  SSHCA_RETURN_IF_ERROR(checkIsCa(*cert));
  SSHCA_RETURN_IF_ERROR(checkKeyMatches(*cert, *signer));
  SSHCA_ASSIGN_OR_RETURN(std::time_t notBefore, toUnixTime(X509_get0_notBefore(cert.get())));
  SSHCA_ASSIGN_OR_RETURN(std::time_t notAfter, toUnixTime(X509_get0_notAfter(cert.get())));
  if (now < notBefore || now >= notAfter)
    return makeError(ErrorCode::InvalidArgument, "the CA certificate is not valid now (valid " + formatUtc(notBefore) +
                                                     " to " + formatUtc(notAfter) + ")");
  SSHCA_ASSIGN_OR_RETURN(HashAlg hash, signatureHashFor(signer->publicKey().algorithm(), digest));
  return IssuingCa(std::move(cert), std::move(signer), hash, notAfter);
}

Status IssuingCa::checkWithin(std::time_t notAfter) const {
  if (notAfter > notAfter_)
    return makeError(ErrorCode::InvalidArgument, "validity would end " + formatUtc(notAfter) +
                                                     ", after the CA certificate's notAfter " + formatUtc(notAfter_) +
                                                     "; ask for fewer --days");
  return okStatus();
}

}  // namespace sshca::x509
