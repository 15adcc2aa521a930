// The database record of an X.509 certificate the CA just issued, as
// `sshca pki` and `sshca init` write it before the certificate leaves.
#pragma once

#include <string>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/service/store/certificate_store.h"

namespace sshca::store {

// `profile`: "server", "client" or "intermediate". Not revoked.
Result<CertificateRecord> certificateRecordOf(const X509& cert, std::string profile);

}  // namespace sshca::store
