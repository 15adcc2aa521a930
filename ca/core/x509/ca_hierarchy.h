// The CA's two X.509 levels made in one go, as `sshca pki init` and
// `sshca init` both do: a self-signed root and an intermediate under it,
// each signed by its own key on the token.
#pragma once

#include <ctime>
#include <string_view>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_spec.h"
#include "ca/core/keys/signer.h"

namespace sshca::x509 {

// The subject of one CA level: `baseDn` (default "O=NAME") plus
// "CN=NAME <role>", e.g. "O=Acme, CN=Acme Root CA". The CN is ours to set,
// so a base DN that carries one is refused (InvalidArgument).
Result<ossl::X509Name> caSubjectName(std::string_view name, std::string_view baseDn, std::string_view role);

struct CaHierarchyRequest {
  const X509_NAME* rootName = nullptr;
  const X509_NAME* intermediateName = nullptr;
  SignerPtr rootSigner;
  SignerPtr intermediateSigner;
  HashAlg hash = HashAlg::Sha384;  // the root's signature hash (signatureHashFor)
  int rootDays = 3650;
  int intermediateDays = 1825;  // must end within the root's validity
};

struct CaHierarchy {
  ossl::X509Ptr root;
  ossl::X509Ptr intermediate;
};

Result<CaHierarchy> createCaHierarchy(const CaHierarchyRequest& request, std::time_t now, RandomSource& rng);

}  // namespace sshca::x509
