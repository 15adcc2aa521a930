#include "ca/core/x509/x509_extensions.h"

#include <string>

namespace sshca::x509 {

namespace {

Status addConfigured(X509& cert, int nid, std::string_view value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, nullptr, &cert, nullptr, nullptr, 0);
  std::string v(value);
  ossl::X509Ext ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, v.c_str()));
  if (!ext) return ossl::error(std::string("building ") + OBJ_nid2sn(nid) + " = " + v);
  if (X509_add_ext(&cert, ext.get(), -1) != 1) return ossl::error(std::string("adding ") + OBJ_nid2sn(nid));
  return okStatus();
}

Result<ossl::Asn1OctetString> sha1KeyId(const X509& cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_pubkey_digest(&cert, EVP_sha1(), md, &len) != 1) return ossl::error("hashing the public key");
  ossl::Asn1OctetString id(ASN1_OCTET_STRING_new());
  if (!id || ASN1_OCTET_STRING_set(id.get(), md, static_cast<int>(len)) != 1) return ossl::error("key identifier");
  return id;
}

Result<ossl::AuthorityKeyId> authorityKeyIdFor(const X509& issuer) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1OctetString keyId, keyIdentifierOf(issuer));
  ossl::AuthorityKeyId akid(AUTHORITY_KEYID_new());
  if (!akid) return ossl::error("AUTHORITY_KEYID_new");
  akid->keyid = keyId.release();  // owned by akid from here
  return akid;
}

}  // namespace

Status addBasicConstraints(X509& cert, bool isCa, std::optional<int> pathLen) {
  std::string value = isCa ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (isCa && pathLen) value += ",pathlen:" + std::to_string(*pathLen);
  return addConfigured(cert, NID_basic_constraints, value);
}

Status addKeyUsage(X509& cert, std::string_view usages) {
  return addConfigured(cert, NID_key_usage, "critical," + std::string(usages));
}

Status addExtendedKeyUsage(X509& cert, std::string_view usages) {
  return addConfigured(cert, NID_ext_key_usage, usages);
}

Result<ossl::Asn1OctetString> keyIdentifierOf(const X509& cert) {
  auto* ski = static_cast<ASN1_OCTET_STRING*>(X509_get_ext_d2i(&cert, NID_subject_key_identifier, nullptr, nullptr));
  if (ski) return ossl::Asn1OctetString(ski);
  return sha1KeyId(cert);
}

Status addSubjectKeyId(X509& cert) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Asn1OctetString id, sha1KeyId(cert));
  if (X509_add1_ext_i2d(&cert, NID_subject_key_identifier, id.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding subjectKeyIdentifier");
  return okStatus();
}

Status addAuthorityKeyId(X509& cert, const X509& issuer) {
  SSHCA_ASSIGN_OR_RETURN(ossl::AuthorityKeyId akid, authorityKeyIdFor(issuer));
  if (X509_add1_ext_i2d(&cert, NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding authorityKeyIdentifier");
  return okStatus();
}

Status addSubjectAltNames(X509& cert, std::span<const SubjectAltName> names) {
  if (names.empty()) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(ossl::GeneralNames gens, toGeneralNames(names));
  if (X509_add1_ext_i2d(&cert, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding subjectAltName");
  return okStatus();
}

Status addCrlAuthorityKeyId(X509_CRL& crl, const X509& issuer) {
  SSHCA_ASSIGN_OR_RETURN(ossl::AuthorityKeyId akid, authorityKeyIdFor(issuer));
  if (X509_CRL_add1_ext_i2d(&crl, NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding the CRL's authorityKeyIdentifier");
  return okStatus();
}

Status addCrlNumber(X509_CRL& crl, uint64_t number) {
  ossl::Asn1Integer n(ASN1_INTEGER_new());
  if (!n || ASN1_INTEGER_set_uint64(n.get(), number) != 1) return ossl::error("encoding the CRL number");
  if (X509_CRL_add1_ext_i2d(&crl, NID_crl_number, n.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ossl::error("adding cRLNumber");
  return okStatus();
}

}  // namespace sshca::x509
