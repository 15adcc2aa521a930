// Keys `sshca init` makes in software rather than on the token: the TLS
// service key (cpp-httplib loads its key from a file) and a provisioner's
// token-signing key (`sshca token` signs on the CA machine without the
// HSM). Both are ECDSA P-256, stored as unencrypted PKCS#8 PEM in 0600
// files under DIR/secrets (docs/configuration.md says why and what next).
#pragma once

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"

namespace sshca::setup {

Result<ossl::EvpPkey> generateP256Key();
// Written as PEM by x509::privateKeyPem (ca/core/x509/private_key_pem.h).

}  // namespace sshca::setup
