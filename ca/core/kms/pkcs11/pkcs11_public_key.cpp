#include "ca/core/kms/pkcs11/pkcs11_public_key.h"

#include "ca/core/kms/pkcs11/ec_params.h"
#include "ca/core/kms/pkcs11/pkcs11_objects.h"

namespace sshca::pkcs11 {
namespace {

Result<PublicKey> readRsa(const Session& s, CK_OBJECT_HANDLE obj) {
  SSHCA_ASSIGN_OR_RETURN(Bytes n, readAttribute(s, obj, CKA_MODULUS));
  SSHCA_ASSIGN_OR_RETURN(Bytes e, readAttribute(s, obj, CKA_PUBLIC_EXPONENT));
  return publicKeyFromRsa(n, e);
}

Result<PublicKey> readEc(const Session& s, CK_OBJECT_HANDLE obj) {
  SSHCA_ASSIGN_OR_RETURN(Bytes params, readAttribute(s, obj, CKA_EC_PARAMS));
  SSHCA_ASSIGN_OR_RETURN(KeyAlgorithm alg, algorithmOfEcParams(params));
  SSHCA_ASSIGN_OR_RETURN(Bytes point, readAttribute(s, obj, CKA_EC_POINT));
  Bytes raw = unwrapEcPoint(point);
  if (alg == KeyAlgorithm::Ed25519) return publicKeyFromEd25519(raw);
  return publicKeyFromEcPoint(alg, raw);
}

Result<CK_OBJECT_HANDLE> matchingPublicObject(const Session& s, CK_OBJECT_HANDLE priv) {
  auto id = readAttribute(s, priv, CKA_ID);
  if (id.ok() && !id->empty()) {
    SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, KeyRef{{}, *id}, CKO_PUBLIC_KEY));
    if (!found.empty()) return found.front();
  }
  auto label = readAttribute(s, priv, CKA_LABEL);
  if (label.ok() && !label->empty()) {
    SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, KeyRef{std::string(asString(*label)), {}}, CKO_PUBLIC_KEY));
    if (!found.empty()) return found.front();
  }
  return makeError(ErrorCode::NotFound, "no public key object for the private key");
}

}  // namespace

Result<PublicKey> readPublicKey(const Session& s, CK_OBJECT_HANDLE obj) {
  SSHCA_ASSIGN_OR_RETURN(CK_ULONG type, readUlong(s, obj, CKA_KEY_TYPE));
  switch (type) {
    case CKK_RSA:
      return readRsa(s, obj);
    case CKK_EC:
    case CKK_EC_EDWARDS:
      return readEc(s, obj);
    default:
      return makeError(ErrorCode::Unsupported, "key type " + std::to_string(type) + " is not supported");
  }
}

Result<PublicKey> publicKeyOfPrivate(const Session& s, CK_OBJECT_HANDLE priv) {
  auto pub = matchingPublicObject(s, priv);
  if (pub.ok()) return readPublicKey(s, *pub);
  SSHCA_ASSIGN_OR_RETURN(CK_ULONG type, readUlong(s, priv, CKA_KEY_TYPE));
  if (type == CKK_RSA) return readRsa(s, priv);
  return std::move(pub).error();
}

}  // namespace sshca::pkcs11
