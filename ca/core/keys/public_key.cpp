#include "ca/core/keys/public_key.h"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "ca/core/keys/key_checks.h"

namespace sshca {
namespace {

const char* curveName(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::EcdsaP256:
      return "prime256v1";
    case KeyAlgorithm::EcdsaP384:
      return "secp384r1";
    case KeyAlgorithm::EcdsaP521:
      return "secp521r1";
    default:
      return nullptr;
  }
}

Result<KeyAlgorithm> ecAlgorithmOf(const EVP_PKEY* pkey) {
  char name[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
    return ossl::error("reading the EC curve");
  std::string_view n(name, len);
  if (n == "prime256v1" || n == "P-256") return KeyAlgorithm::EcdsaP256;
  if (n == "secp384r1" || n == "P-384") return KeyAlgorithm::EcdsaP384;
  if (n == "secp521r1" || n == "P-521") return KeyAlgorithm::EcdsaP521;
  return makeError(ErrorCode::Unsupported, "EC curve " + std::string(n) + " is not supported");
}

Result<Bytes> encodedEcPoint(const EVP_PKEY* pkey) {
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, nullptr, 0, &len) != 1)
    return ossl::error("reading EC point");
  Bytes out(len);
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out.data(), out.size(), &len) != 1)
    return ossl::error("reading EC point");
  out.resize(len);
  if (out.empty() || out[0] != 0x04) return makeError(ErrorCode::Internal, "EC point is not uncompressed");
  return out;
}

Result<Bytes> rawEd25519(const EVP_PKEY* pkey) {
  Bytes out(32);
  size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(pkey, out.data(), &len) != 1 || len != 32) return ossl::error("reading Ed25519 key");
  return out;
}

// Re-encodes as SubjectPublicKeyInfo so that only the public half is kept.
Result<ossl::EvpPkey> publicOnlyCopy(const EVP_PKEY* pkey) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey, &der);
  ossl::OwnedBytes owned(der);
  if (len <= 0) return ossl::error("encoding the public key");
  const unsigned char* p = der;
  ossl::EvpPkey copy(d2i_PUBKEY(nullptr, &p, len));
  if (!copy) return ossl::error("decoding the public key");
  return copy;
}

Result<Bytes> bnParam(const PublicKey& key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.evp(), name, &raw) != 1) return ossl::error(std::string("reading ") + name);
  ossl::Bignum bn(raw);
  Bytes out(static_cast<size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

// A public EVP_PKEY of `type` ("EC", "RSA") from the parameters in `bld`.
Result<ossl::EvpPkey> publicKeyFromParams(const char* type, OSSL_PARAM_BLD* bld, const char* what) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return ossl::error(what);
  return ossl::EvpPkey(raw);
}

}  // namespace

Result<PublicKey> PublicKey::fromEvp(const EVP_PKEY* pkey) {
  if (!pkey) return makeError(ErrorCode::InvalidArgument, "no key");
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey pub, publicOnlyCopy(pkey));
  return adoptPublic(std::move(pub));
}

Result<PublicKey> PublicKey::adoptPublic(ossl::EvpPkey pub) { return adopt(std::move(pub), {}); }

// `raw` as the caller built the key from, or empty: read from the key.
Result<PublicKey> PublicKey::adopt(ossl::EvpPkey pub, Bytes raw) {
  if (!pub) return makeError(ErrorCode::InvalidArgument, "no key");
  int bits = EVP_PKEY_get_bits(pub.get());
  KeyAlgorithm alg;
  switch (EVP_PKEY_get_base_id(pub.get())) {
    case EVP_PKEY_ED25519:
      alg = KeyAlgorithm::Ed25519;
      bits = 256;
      if (raw.empty()) { SSHCA_ASSIGN_OR_RETURN(raw, rawEd25519(pub.get())); }
      break;
    case EVP_PKEY_RSA:
      alg = KeyAlgorithm::Rsa;
      break;
    case EVP_PKEY_EC: {
      SSHCA_ASSIGN_OR_RETURN(alg, ecAlgorithmOf(pub.get()));
      if (raw.empty()) { SSHCA_ASSIGN_OR_RETURN(raw, encodedEcPoint(pub.get())); }
      break;
    }
    case EVP_PKEY_DSA:
      return makeError(ErrorCode::Unsupported, "DSA keys are not supported");
    default:
      return makeError(ErrorCode::Unsupported, "unsupported key algorithm");
  }
  auto shared = std::make_shared<Shared>();
  shared->pkey = std::move(pub);
  shared->raw = std::move(raw);
  return PublicKey(std::move(shared), alg, bits);
}

Result<PublicKey> PublicKey::fromDer(std::span<const uint8_t> spki) {
  const unsigned char* p = spki.data();
  ossl::EvpPkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
  if (!pkey || p != spki.data() + spki.size()) return ossl::error("parsing SubjectPublicKeyInfo");
  return adoptPublic(std::move(pkey));
}

Result<PublicKey> PublicKey::fromPem(std::string_view pem) {
  ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return ossl::error("BIO_new_mem_buf");
  ossl::EvpPkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) return ossl::error("parsing PEM public key");
  return adoptPublic(std::move(pkey));
}

Bytes PublicKey::spkiDer() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(evp(), &der);
  ossl::OwnedBytes owned(der);
  if (len <= 0) return {};
  Bytes out(der, der + len);
  return out;
}

bool PublicKey::operator==(const PublicKey& other) const {
  return alg_ == other.alg_ && EVP_PKEY_eq(evp(), other.evp()) == 1;
}

Result<PublicKey> publicKeyFromEcPoint(KeyAlgorithm curve, std::span<const uint8_t> point) {
  const char* name = curveName(curve);
  if (!name) return makeError(ErrorCode::InvalidArgument, "not an ECDSA curve");
  size_t field = ecdsaFieldBytes(curve);
  if (point.size() != 1 + 2 * field || point[0] != 0x04)
    return makeError(ErrorCode::InvalidFormat, "EC point is not an uncompressed point of the curve's size");
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, name, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return ossl::error("building EC parameters");
  // A point off the curve is the caller's malformed input (invalid_format),
  // not a failure of the crypto library: fromdata refuses some such points,
  // and the explicit check below the rest.
  auto pkey = publicKeyFromParams("EC", bld.get(), "EC point");
  if (!pkey.ok()) {
    ossl::drainErrors();
    return makeError(ErrorCode::InvalidFormat, "the ECDSA public key is not a point on its curve");
  }
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, PublicKey::adopt(std::move(pkey).value(), Bytes(point.begin(), point.end())));
  SSHCA_RETURN_IF_ERROR(checkEcPointOnCurve(key));
  return key;
}

Result<PublicKey> publicKeyFromRsa(std::span<const uint8_t> n, std::span<const uint8_t> e) {
  ossl::Bignum bn(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  ossl::Bignum be(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1)
    return ossl::error("building RSA parameters");
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey pkey, publicKeyFromParams("RSA", bld.get(), "building RSA key"));
  return PublicKey::adoptPublic(std::move(pkey));
}

Result<PublicKey> publicKeyFromEd25519(std::span<const uint8_t> raw32) {
  if (raw32.size() != 32) return makeError(ErrorCode::InvalidFormat, "Ed25519 public key is not 32 bytes");
  ossl::EvpPkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw32.data(), raw32.size()));
  if (!pkey) return ossl::error("building Ed25519 key");
  return PublicKey::adopt(std::move(pkey), Bytes(raw32.begin(), raw32.end()));
}

Result<Bytes> ecPointOf(const PublicKey& key) {
  if (ecdsaFieldBytes(key.algorithm()) == 0) return makeError(ErrorCode::InvalidArgument, "not an ECDSA key");
  return key.s_->raw;
}

Result<Bytes> ed25519RawOf(const PublicKey& key) {
  if (key.algorithm() != KeyAlgorithm::Ed25519) return makeError(ErrorCode::InvalidArgument, "not an Ed25519 key");
  return key.s_->raw;
}

Result<Bytes> rsaModulusOf(const PublicKey& key) {
  if (key.algorithm() != KeyAlgorithm::Rsa) return makeError(ErrorCode::InvalidArgument, "not an RSA key");
  return bnParam(key, OSSL_PKEY_PARAM_RSA_N);
}

Result<Bytes> rsaExponentOf(const PublicKey& key) {
  if (key.algorithm() != KeyAlgorithm::Rsa) return makeError(ErrorCode::InvalidArgument, "not an RSA key");
  return bnParam(key, OSSL_PKEY_PARAM_RSA_E);
}

}  // namespace sshca
