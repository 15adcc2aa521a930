#include "ca/core/x509/x509_signing.h"

#include <openssl/objects.h>

#include "ca/core/keys/signature.h"
#include "ca/core/x509/der.h"

namespace sshca::x509 {

namespace {

// An AlgorithmIdentifier: RSA carries explicit NULL parameters (RFC 4055
// 5), ECDSA and Ed25519 carry none (RFC 5758 3.2, RFC 8410 3).
struct SigAlg {
  int nid;
  int paramType;
};

int ecdsaNid(HashAlg h) {
  switch (h) {
    case HashAlg::Sha256:
      return NID_ecdsa_with_SHA256;
    case HashAlg::Sha384:
      return NID_ecdsa_with_SHA384;
    case HashAlg::Sha512:
      return NID_ecdsa_with_SHA512;
    case HashAlg::None:
      break;
  }
  return NID_undef;
}

int rsaNid(HashAlg h) {
  switch (h) {
    case HashAlg::Sha256:
      return NID_sha256WithRSAEncryption;
    case HashAlg::Sha384:
      return NID_sha384WithRSAEncryption;
    case HashAlg::Sha512:
      return NID_sha512WithRSAEncryption;
    case HashAlg::None:
      break;
  }
  return NID_undef;
}

Result<SigAlg> sigAlgFor(const PublicKey& key, HashAlg hash) {
  SSHCA_ASSIGN_OR_RETURN(HashAlg h, signatureHashFor(key.algorithm(), hash));
  switch (key.algorithm()) {
    case KeyAlgorithm::Ed25519:
      return SigAlg{NID_ED25519, V_ASN1_UNDEF};
    case KeyAlgorithm::Rsa:
      return SigAlg{rsaNid(h), V_ASN1_NULL};
    default:
      return SigAlg{ecdsaNid(h), V_ASN1_UNDEF};
  }
}

// The AlgorithmIdentifier fields are members of the (non-const) structure
// being built; OpenSSL 3.0 only hands them out as const pointers.
Status stamp(const X509_ALGOR* field, const SigAlg& alg) {
  if (X509_ALGOR_set0(const_cast<X509_ALGOR*>(field), OBJ_nid2obj(alg.nid), alg.paramType, nullptr) != 1)
    return ossl::error("setting the signature algorithm");
  return okStatus();
}

// The signature value as X.509 carries it (RFC 3279 2.2.3 for ECDSA: DER
// ECDSA-Sig-Value; RSA and Ed25519: the raw signature).
Result<Bytes> signatureValue(const Signer& signer, HashAlg hash, std::span<const uint8_t> tbs) {
  SSHCA_ASSIGN_OR_RETURN(Bytes raw, signer.sign(tbs, hash));
  if (ecdsaFieldBytes(signer.publicKey().algorithm()) != 0) return ecdsaRawToDer(raw);
  return raw;
}

// A signature is a BIT STRING with no unused bits.
Status setSignatureBits(const ASN1_BIT_STRING* field, const Bytes& value) {
  auto* bits = const_cast<ASN1_BIT_STRING*>(field);
  if (ASN1_BIT_STRING_set(bits, const_cast<uint8_t*>(value.data()), static_cast<int>(value.size())) != 1)
    return ossl::error("setting the signature");
  bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  return okStatus();
}

template <class Handle, class Decode>
Result<Handle> reparse(const Bytes& der, Decode decode, std::string_view what) {
  const unsigned char* p = der.data();
  Handle out(decode(nullptr, &p, static_cast<long>(der.size())));
  if (!out || p != der.data() + der.size())
    return ossl::error(std::string("re-reading the signed ") + std::string(what));
  return out;
}

// OpenSSL has no public setter for a CRL's inner AlgorithmIdentifier, so
// both fields are stamped by signing once with a throwaway key of the same
// type (the identifiers depend on key type and digest only); the throwaway
// signature is then replaced by the Signer's.
Result<ossl::EvpPkey> throwawayKeyLike(KeyAlgorithm alg) {
  EVP_PKEY* k = nullptr;
  switch (alg) {
    case KeyAlgorithm::Ed25519:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyAlgorithm::Rsa:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024));
      break;
    default:
      k = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
  }
  if (!k) return ossl::error("generating a throwaway key for the CRL algorithm identifier");
  return ossl::EvpPkey(k);
}

Status stampCrl(X509_CRL& crl, const PublicKey& key, HashAlg hash, const SigAlg& alg) {
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey throwaway, throwawayKeyLike(key.algorithm()));
  if (X509_CRL_sign(&crl, throwaway.get(), evpDigest(hash)) <= 0) return ossl::error("stamping the CRL algorithm");
  if (X509_CRL_get_signature_nid(&crl) != alg.nid)
    return makeError(ErrorCode::Internal, "CRL signature algorithm differs from the one expected");
  return okStatus();
}

Status checkVerified(int rc, std::string_view what) {
  if (rc == 1) return okStatus();
  return ossl::error(std::string("the freshly signed ") + std::string(what) + " does not verify");
}

}  // namespace

Result<HashAlg> signatureHashFor(KeyAlgorithm alg, std::optional<HashAlg> requested) {
  if (alg == KeyAlgorithm::Ed25519) {
    if (requested && *requested != HashAlg::None)
      return makeError(ErrorCode::InvalidArgument, "Ed25519 signs without a separate digest; drop --digest");
    return HashAlg::None;
  }
  if (requested && *requested != HashAlg::None) return *requested;
  if (requested) return makeError(ErrorCode::InvalidArgument, "this key type needs a digest");
  switch (alg) {
    case KeyAlgorithm::EcdsaP384:
      return HashAlg::Sha384;
    case KeyAlgorithm::EcdsaP521:
      return HashAlg::Sha512;
    default:
      return HashAlg::Sha256;
  }
}

Result<HashAlg> parseDigestName(std::string_view name) {
  if (name == "sha256") return HashAlg::Sha256;
  if (name == "sha384") return HashAlg::Sha384;
  if (name == "sha512") return HashAlg::Sha512;
  return makeError(ErrorCode::InvalidArgument,
                   "unknown digest '" + std::string(name) + "' (expected sha256, sha384 or sha512)");
}

Result<ossl::X509Ptr> signCertificate(X509& tbs, const Signer& signer, HashAlg hash) {
  ossl::ErrorQueueGuard guard;
  const PublicKey& key = signer.publicKey();
  SSHCA_ASSIGN_OR_RETURN(SigAlg alg, sigAlgFor(key, hash));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* outer = nullptr;
  X509_get0_signature(&sig, &outer, &tbs);
  SSHCA_RETURN_IF_ERROR(stamp(X509_get0_tbs_sigalg(&tbs), alg));
  SSHCA_RETURN_IF_ERROR(stamp(outer, alg));
  SSHCA_ASSIGN_OR_RETURN(Bytes tbsDer, toDer(&tbs, i2d_re_X509_tbs, "TBSCertificate"));
  SSHCA_ASSIGN_OR_RETURN(Bytes value, signatureValue(signer, hash, tbsDer));
  SSHCA_RETURN_IF_ERROR(setSignatureBits(sig, value));
  SSHCA_RETURN_IF_ERROR(checkVerified(X509_verify(&tbs, key.evp()), "certificate"));
  SSHCA_ASSIGN_OR_RETURN(Bytes der, toDer(&tbs, i2d_X509, "certificate"));
  return reparse<ossl::X509Ptr>(der, d2i_X509, "certificate");
}

Result<ossl::X509Req> signRequest(X509_REQ& tbs, const Signer& signer, HashAlg hash) {
  ossl::ErrorQueueGuard guard;
  const PublicKey& key = signer.publicKey();
  SSHCA_ASSIGN_OR_RETURN(SigAlg alg, sigAlgFor(key, hash));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* outer = nullptr;
  X509_REQ_get0_signature(&tbs, &sig, &outer);
  SSHCA_RETURN_IF_ERROR(stamp(outer, alg));  // a request has only the outer field
  SSHCA_ASSIGN_OR_RETURN(Bytes tbsDer, toDer(&tbs, i2d_re_X509_REQ_tbs, "CertificationRequestInfo"));
  SSHCA_ASSIGN_OR_RETURN(Bytes value, signatureValue(signer, hash, tbsDer));
  SSHCA_RETURN_IF_ERROR(setSignatureBits(sig, value));
  SSHCA_RETURN_IF_ERROR(checkVerified(X509_REQ_verify(&tbs, key.evp()), "certificate request"));
  SSHCA_ASSIGN_OR_RETURN(Bytes der, toDer(&tbs, i2d_X509_REQ, "certificate request"));
  return reparse<ossl::X509Req>(der, d2i_X509_REQ, "certificate request");
}

Result<ossl::X509Crl> signCrl(X509_CRL& tbs, const Signer& signer, HashAlg hash) {
  ossl::ErrorQueueGuard guard;
  const PublicKey& key = signer.publicKey();
  SSHCA_ASSIGN_OR_RETURN(SigAlg alg, sigAlgFor(key, hash));
  SSHCA_RETURN_IF_ERROR(stampCrl(tbs, key, hash, alg));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* outer = nullptr;
  X509_CRL_get0_signature(&tbs, &sig, &outer);
  SSHCA_ASSIGN_OR_RETURN(Bytes tbsDer, toDer(&tbs, i2d_re_X509_CRL_tbs, "TBSCertList"));
  SSHCA_ASSIGN_OR_RETURN(Bytes value, signatureValue(signer, hash, tbsDer));
  SSHCA_RETURN_IF_ERROR(setSignatureBits(sig, value));
  SSHCA_RETURN_IF_ERROR(checkVerified(X509_CRL_verify(&tbs, key.evp()), "CRL"));
  SSHCA_ASSIGN_OR_RETURN(Bytes der, toDer(&tbs, i2d_X509_CRL, "CRL"));
  return reparse<ossl::X509Crl>(der, d2i_X509_CRL, "CRL");
}

}  // namespace sshca::x509
