#include "ca/core/x509/certificate_request.h"

#include "ca/core/x509/x509_signing.h"

namespace sshca::x509 {

namespace {

Status verifySelfSignature(X509_REQ& req) {
  EVP_PKEY* key = X509_REQ_get0_pubkey(&req);
  if (!key) return makeError(ErrorCode::InvalidFormat, "the request carries no readable public key");
  if (X509_REQ_verify(&req, key) != 1)
    return makeError(ErrorCode::CryptoFailure, "the request's signature does not verify (" + ossl::drainErrors() + ")");
  return okStatus();
}

bool asksForCa(const STACK_OF(X509_EXTENSION) * exts) {
  ossl::BasicConstraints bc(
      static_cast<BASIC_CONSTRAINTS*>(X509V3_get_d2i(exts, NID_basic_constraints, nullptr, nullptr)));
  return bc && bc->ca;
}

Result<std::vector<SubjectAltName>> requestedSans(const STACK_OF(X509_EXTENSION) * exts) {
  int crit = 0;
  ossl::GeneralNames names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, &crit, nullptr)));
  if (!names) {
    if (crit == -1) return std::vector<SubjectAltName>{};  // no such extension
    return makeError(ErrorCode::InvalidFormat, "the request's subjectAltName extension is malformed");
  }
  return subjectAltNamesFrom(names.get());
}

}  // namespace

Result<ossl::X509Req> createCertificateRequest(const X509_NAME& subject, const Signer& signer, HashAlg hash) {
  ossl::X509Req req(X509_REQ_new());
  if (!req) return ossl::error("X509_REQ_new");
  if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 || X509_REQ_set_subject_name(req.get(), &subject) != 1 ||
      X509_REQ_set_pubkey(req.get(), signer.publicKey().evp()) != 1)
    return ossl::error("filling in the request");
  return signRequest(*req, signer, hash);
}

Result<ossl::X509Req> createCertificateRequest(const X509_NAME& subject, const Signer& signer, HashAlg hash,
                                               std::span<const SubjectAltName> sans) {
  ossl::X509Req req(X509_REQ_new());
  if (!req) return ossl::error("X509_REQ_new");
  if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 || X509_REQ_set_subject_name(req.get(), &subject) != 1 ||
      X509_REQ_set_pubkey(req.get(), signer.publicKey().evp()) != 1)
    return ossl::error("filling in the request");
  if (!sans.empty()) {
    SSHCA_ASSIGN_OR_RETURN(ossl::GeneralNames names, toGeneralNames(sans));
    ossl::X509Ext ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    ossl::X509ExtStack exts(sk_X509_EXTENSION_new_null());
    if (!ext || !exts || sk_X509_EXTENSION_push(exts.get(), ext.get()) <= 0)
      return ossl::error("building the subjectAltName request");
    ext.release();  // owned by the stack now
    if (X509_REQ_add_extensions(req.get(), exts.get()) != 1) return ossl::error("adding the subjectAltName request");
  }
  return signRequest(*req, signer, hash);
}

Result<RequestContents> readCertificateRequest(X509_REQ& req) {
  ossl::ErrorQueueGuard guard;
  SSHCA_RETURN_IF_ERROR(verifySelfSignature(req));
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, PublicKey::fromEvp(X509_REQ_get0_pubkey(&req)));
  ossl::X509Name subject(X509_NAME_dup(X509_REQ_get_subject_name(&req)));
  if (!subject) return ossl::error("copying the request's subject");
  ossl::X509ExtStack exts(X509_REQ_get_extensions(&req));
  RequestContents out{std::move(subject), std::move(key), {}, false};
  if (exts) {
    out.requestsCa = asksForCa(exts.get());
    SSHCA_ASSIGN_OR_RETURN(out.subjectAltNames, requestedSans(exts.get()));
  }
  return out;
}

}  // namespace sshca::x509
