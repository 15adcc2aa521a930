#include "ca/core/kms/pkcs11/key_generation.h"

#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/ec_params.h"
#include "ca/core/kms/pkcs11/key_templates.h"

namespace sshca::pkcs11 {
namespace {

const uint8_t kF4[] = {0x01, 0x00, 0x01};  // 65537

Result<CK_MECHANISM_TYPE> addTypeAttributes(const KeySpec& spec, AttributeTemplate& pub) {
  switch (spec.algorithm) {
    case KeyAlgorithm::EcdsaP256:
    case KeyAlgorithm::EcdsaP384: {
      SSHCA_ASSIGN_OR_RETURN(Bytes params, ecParamsFor(spec.algorithm));
      pub.add(CKA_EC_PARAMS, params);
      return CKM_EC_KEY_PAIR_GEN;
    }
    case KeyAlgorithm::Ed25519: {
      SSHCA_ASSIGN_OR_RETURN(Bytes params, ecParamsFor(spec.algorithm));
      pub.add(CKA_EC_PARAMS, params);
      return CKM_EC_EDWARDS_KEY_PAIR_GEN;
    }
    case KeyAlgorithm::Rsa:
      if (spec.rsaBits < 2048 || spec.rsaBits > 4096)
        return makeError(ErrorCode::Unsupported, "RSA keys must have 2048 to 4096 bits");
      pub.addUlong(CKA_MODULUS_BITS, static_cast<CK_ULONG>(spec.rsaBits)).add(CKA_PUBLIC_EXPONENT, kF4);
      return CKM_RSA_PKCS_KEY_PAIR_GEN;
    default:
      return makeError(ErrorCode::Unsupported, keySpecName(spec) + " is not a CA key type");
  }
}

}  // namespace

Result<KeyPairHandles> generateKeyPair(const Session& s, const KeyRef& ref, const KeySpec& spec) {
  AttributeTemplate pub, priv;
  SSHCA_ASSIGN_OR_RETURN(CK_MECHANISM_TYPE mechType, addTypeAttributes(spec, pub));
  addPublicKeyPolicy(pub, ref);
  addPrivateKeyPolicy(priv, ref);
  CK_MECHANISM mech{mechType, nullptr, 0};
  KeyPairHandles h{CK_INVALID_HANDLE, CK_INVALID_HANDLE};
  CK_RV rv = s.fn()->C_GenerateKeyPair(s.handle(), &mech, pub.data(), pub.size(), priv.data(), priv.size(),
                                       &h.publicKey, &h.privateKey);
  if (rv != CKR_OK) return ckError("C_GenerateKeyPair", rv).context("creating " + keySpecName(spec) + " key");
  return h;
}

}  // namespace sshca::pkcs11
