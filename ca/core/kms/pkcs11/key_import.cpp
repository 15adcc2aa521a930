#include "ca/core/kms/pkcs11/key_import.h"

#include <openssl/core_names.h>

#include "ca/core/common/ossl.h"
#include "ca/core/kms/pkcs11/attribute_template.h"
#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/ec_params.h"
#include "ca/core/kms/pkcs11/key_templates.h"

namespace sshca::pkcs11 {
namespace {

// A BIGNUM parameter as big-endian bytes (padded to `width` when non-zero).
Result<SecretBytes> bnParam(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (!EVP_PKEY_get_bn_param(key, name, &raw)) return ossl::error(std::string("reading key parameter ") + name);
  ossl::Bignum bn(raw);
  SecretBytes out;
  out.resize(width ? width : BN_num_bytes(bn.get()));
  if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) < 0)
    return ossl::error(std::string("encoding key parameter ") + name);
  return out;
}

Status addRsa(EVP_PKEY* key, AttributeTemplate& priv, AttributeTemplate& pub) {
  const std::pair<CK_ATTRIBUTE_TYPE, const char*> parts[] = {
      {CKA_MODULUS, OSSL_PKEY_PARAM_RSA_N},
      {CKA_PUBLIC_EXPONENT, OSSL_PKEY_PARAM_RSA_E},
      {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
      {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
      {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
      {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
      {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
      {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
  };
  for (const auto& [type, name] : parts) {
    SSHCA_ASSIGN_OR_RETURN(SecretBytes v, bnParam(key, name));
    priv.add(type, v.span());
    if (type == CKA_MODULUS || type == CKA_PUBLIC_EXPONENT) pub.add(type, v.span());
  }
  priv.addUlong(CKA_KEY_TYPE, CKK_RSA);
  pub.addUlong(CKA_KEY_TYPE, CKK_RSA);
  return okStatus();
}

Status addEc(EVP_PKEY* key, const PublicKey& pk, AttributeTemplate& priv, AttributeTemplate& pub) {
  SSHCA_ASSIGN_OR_RETURN(Bytes params, ecParamsFor(pk.algorithm()));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes d,
                         bnParam(key, OSSL_PKEY_PARAM_PRIV_KEY, static_cast<int>(ecdsaFieldBytes(pk.algorithm()))));
  SSHCA_ASSIGN_OR_RETURN(Bytes point, ecPointOf(pk));
  priv.addUlong(CKA_KEY_TYPE, CKK_EC).add(CKA_EC_PARAMS, params).add(CKA_VALUE, d.span());
  pub.addUlong(CKA_KEY_TYPE, CKK_EC).add(CKA_EC_PARAMS, params).add(CKA_EC_POINT, wrapEcPoint(point));
  return okStatus();
}

Status addEd25519(EVP_PKEY* key, const PublicKey& pk, AttributeTemplate& priv, AttributeTemplate& pub) {
  SSHCA_ASSIGN_OR_RETURN(Bytes params, ecParamsFor(KeyAlgorithm::Ed25519));
  SecretBytes seed;
  seed.resize(32);
  size_t n = seed.size();
  if (!EVP_PKEY_get_raw_private_key(key, seed.data(), &n) || n != 32)
    return ossl::error("reading the Ed25519 private key");
  SSHCA_ASSIGN_OR_RETURN(Bytes raw, ed25519RawOf(pk));
  priv.addUlong(CKA_KEY_TYPE, CKK_EC_EDWARDS).add(CKA_EC_PARAMS, params).add(CKA_VALUE, seed.span());
  pub.addUlong(CKA_KEY_TYPE, CKK_EC_EDWARDS).add(CKA_EC_PARAMS, params).add(CKA_EC_POINT, wrapEcPoint(raw));
  return okStatus();
}

Status addKeyMaterial(EVP_PKEY* key, const PublicKey& pk, AttributeTemplate& priv, AttributeTemplate& pub) {
  switch (pk.algorithm()) {
    case KeyAlgorithm::Rsa:
      if (pk.bits() < 2048 || pk.bits() > 4096)
        return makeError(ErrorCode::Unsupported, "RSA keys must have 2048 to 4096 bits");
      return addRsa(key, priv, pub);
    case KeyAlgorithm::Ed25519:
      return addEd25519(key, pk, priv, pub);
    default:
      return addEc(key, pk, priv, pub);
  }
}

Result<CK_OBJECT_HANDLE> create(const Session& s, AttributeTemplate& t, const char* what) {
  CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
  CK_RV rv = s.fn()->C_CreateObject(s.handle(), t.data(), t.size(), &h);
  if (rv != CKR_OK) return ckError("C_CreateObject", rv).context(what);
  return h;
}

}  // namespace

Result<PublicKey> importKeyPair(const Session& s, const KeyRef& ref, EVP_PKEY* key) {
  ossl::ErrorQueueGuard errors;
  SSHCA_ASSIGN_OR_RETURN(PublicKey pk, PublicKey::fromEvp(key));
  CK_OBJECT_CLASS privClass = CKO_PRIVATE_KEY, pubClass = CKO_PUBLIC_KEY;
  AttributeTemplate priv, pub;
  priv.addUlong(CKA_CLASS, privClass);
  pub.addUlong(CKA_CLASS, pubClass);
  SSHCA_RETURN_IF_ERROR(addKeyMaterial(key, pk, priv, pub));
  addPrivateKeyPolicy(priv, ref);
  addPublicKeyPolicy(pub, ref);
  SSHCA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE privHandle, create(s, priv, "importing the private key"));
  auto pubHandle = create(s, pub, "importing the public key");
  if (!pubHandle.ok()) {
    // Do not leave half a key pair behind.
    s.fn()->C_DestroyObject(s.handle(), privHandle);
    return std::move(pubHandle).error();
  }
  return pk;
}

}  // namespace sshca::pkcs11
