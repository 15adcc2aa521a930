#include "ca/core/keys/signature.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "ca/core/common/digest.h"

namespace sshca {

const EVP_MD* evpDigest(HashAlg hash) {
  static const EVP_MD* const sha384 = fetchDigestOnce("SHA2-384", EVP_sha384());
  static const EVP_MD* const sha512 = fetchDigestOnce("SHA2-512", EVP_sha512());
  switch (hash) {
    case HashAlg::Sha256:
      return sha256Algorithm();
    case HashAlg::Sha384:
      return sha384;
    case HashAlg::Sha512:
      return sha512;
    case HashAlg::None:
      return nullptr;
  }
  return nullptr;
}

namespace {

// Ed25519 signs the message itself; everything else needs a digest.
Status checkHashFits(KeyAlgorithm alg, HashAlg hash) {
  bool ed = alg == KeyAlgorithm::Ed25519;
  if (ed != (hash == HashAlg::None))
    return makeError(ErrorCode::InvalidArgument,
                     ed ? "Ed25519 signs without a separate hash" : "this key type needs a hash algorithm");
  return okStatus();
}

Status setRsaPkcs1(EVP_PKEY_CTX* pctx, KeyAlgorithm alg) {
  if (alg == KeyAlgorithm::Rsa && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return ossl::error("setting PKCS#1 v1.5 padding");
  return okStatus();
}

}  // namespace

Result<Bytes> ecdsaRawToDer(std::span<const uint8_t> raw) {
  if (raw.empty() || raw.size() % 2 != 0) return makeError(ErrorCode::InvalidFormat, "ECDSA r||s has an odd length");
  size_t half = raw.size() / 2;
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  ossl::Bignum r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
  ossl::Bignum s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
    return ossl::error("building ECDSA-Sig-Value");
  (void)r.release();  // ECDSA_SIG_set0 took both
  (void)s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  ossl::OwnedBytes owned(der);
  if (len <= 0) return ossl::error("encoding ECDSA-Sig-Value");
  Bytes out(der, der + len);
  return out;
}

Result<Bytes> ecdsaDerToRaw(std::span<const uint8_t> der, size_t fieldBytes) {
  const unsigned char* p = der.data();
  ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) return makeError(ErrorCode::InvalidFormat, "bad ECDSA-Sig-Value");
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (static_cast<size_t>(BN_num_bytes(r)) > fieldBytes || static_cast<size_t>(BN_num_bytes(s)) > fieldBytes)
    return makeError(ErrorCode::InvalidFormat, "ECDSA signature value larger than the field");
  Bytes out(2 * fieldBytes);
  BN_bn2binpad(r, out.data(), static_cast<int>(fieldBytes));
  BN_bn2binpad(s, out.data() + fieldBytes, static_cast<int>(fieldBytes));
  return out;
}

Status verifyRawSignature(const PublicKey& key, std::span<const uint8_t> data, HashAlg hash,
                          std::span<const uint8_t> sig) {
  ossl::ErrorQueueGuard guard;
  SSHCA_RETURN_IF_ERROR(checkHashFits(key.algorithm(), hash));
  Bytes der;
  std::span<const uint8_t> toCheck = sig;
  if (size_t field = ecdsaFieldBytes(key.algorithm())) {
    if (sig.size() != 2 * field) return makeError(ErrorCode::CryptoFailure, "ECDSA signature has the wrong length");
    SSHCA_ASSIGN_OR_RETURN(der, ecdsaRawToDer(sig));
    toCheck = der;
  }
  ossl::EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, evpDigest(hash), nullptr, key.evp()) != 1)
    return ossl::error("initialising signature verification");
  SSHCA_RETURN_IF_ERROR(setRsaPkcs1(pctx, key.algorithm()));
  if (EVP_DigestVerify(ctx.get(), toCheck.data(), toCheck.size(), data.data(), data.size()) != 1)
    return makeError(ErrorCode::CryptoFailure, "signature does not verify with the public key");
  return okStatus();
}

Result<Bytes> signRawWithEvp(EVP_PKEY* priv, KeyAlgorithm alg, std::span<const uint8_t> data, HashAlg hash) {
  ossl::ErrorQueueGuard guard;
  SSHCA_RETURN_IF_ERROR(checkHashFits(alg, hash));
  ossl::EvpMdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, evpDigest(hash), nullptr, priv) != 1)
    return ossl::error("initialising signing");
  SSHCA_RETURN_IF_ERROR(setRsaPkcs1(pctx, alg));
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) return ossl::error("signing");
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1) return ossl::error("signing");
  sig.resize(len);
  if (size_t field = ecdsaFieldBytes(alg)) return ecdsaDerToRaw(sig, field);
  return sig;
}

}  // namespace sshca
