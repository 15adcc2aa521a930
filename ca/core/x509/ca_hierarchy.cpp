#include "ca/core/x509/ca_hierarchy.h"

#include <string>

#include "ca/core/x509/ca_certificates.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/issuing_ca.h"

namespace sshca::x509 {
namespace {

// The DN parser treats ',', '/' and '\' as syntax; a CA name is plain text.
std::string escapeDnValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == ',' || c == '\\' || c == '/') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

Result<ossl::X509Name> caSubjectName(std::string_view name, std::string_view baseDn, std::string_view role) {
  std::string base = baseDn.empty() ? "O=" + escapeDnValue(name) : std::string(baseDn);
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Name check, parseDistinguishedName(base));
  if (!commonNameOf(check.get()).empty())
    return makeError(ErrorCode::InvalidArgument,
                     "--subject must not contain CN: it gets CN=NAME Root CA / NAME Intermediate CA");
  std::string cn = escapeDnValue(std::string(name) + " " + std::string(role));
  return parseDistinguishedName(base.starts_with('/') ? base + "/CN=" + cn : base + ",CN=" + cn);
}

Result<CaHierarchy> createCaHierarchy(const CaHierarchyRequest& r, std::time_t now, RandomSource& rng) {
  if (!r.rootName || !r.intermediateName || !r.rootSigner || !r.intermediateSigner)
    return makeError(ErrorCode::Internal, "createCaHierarchy: names and signers are required");
  if (r.intermediateDays > r.rootDays)
    return makeError(ErrorCode::InvalidArgument, "the intermediate's validity must not exceed the root's");
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr root,
                         createRootCertificate(*r.rootName, *r.rootSigner, r.hash, r.rootDays, now, rng));
  // The IssuingCa owns its certificate; keep our own reference for the caller.
  X509_up_ref(root.get());
  SSHCA_ASSIGN_OR_RETURN(IssuingCa rootCa, IssuingCa::create(ossl::X509Ptr(root.get()), r.rootSigner, now, r.hash));
  SSHCA_ASSIGN_OR_RETURN(ossl::X509Ptr intermediate,
                         createIntermediateCertificate(*r.intermediateName, r.intermediateSigner->publicKey(), rootCa,
                                                       r.intermediateDays, now, rng));
  return CaHierarchy{std::move(root), std::move(intermediate)};
}

}  // namespace sshca::x509
