// What `sshca init` and `sshca import-step-ca` both write into a new CA
// directory (ca_layout.h): the directories with their modes, the token
// (an embedded SoftHSM2 one unless a kms URI is given), the service's
// software TLS key, the certificates, the database with the certificates
// on record, and the root's fingerprint that clients pin.
#pragma once

#include <string>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/keys/public_key.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

struct CaToken {
  std::string kms, softhsm2Conf;
  bool embedded = false;
};

struct CaCertificates {
  ossl::X509Ptr root, intermediate, server;
};

struct SoftKey {
  PublicKey publicKey;
  SecretBytes pem;
};

// DIR itself stays readable (certs/ holds what clients may fetch); what
// holds secrets, the token, the database or the config is the owner's only.
Status makeCaDirectories(const CaLayout& layout);

// `kms` empty: a new embedded SoftHSM2 token in DIR. Otherwise that token
// as it is; a SoftHSM2 token found through SOFTHSM2_CONF needs that same
// file when `sshca serve` runs, so it is recorded.
Result<CaToken> prepareCaToken(const std::string& kms, const CaLayout& layout);

// A P-256 key in software with its PKCS#8 PEM (software_key.h).
Result<SoftKey> newSoftKey();

// The database with its schema, and the intermediate and server
// certificates on record like every other one.
Status createCaDatabase(const CaLayout& layout, const CaCertificates& certs);

// certs/: root, intermediate, chain (intermediate + root), server chain.
Status writeCaCertificates(const CaLayout& layout, const CaCertificates& certs);

// Lower-case hex SHA-256 over the DER, no colons: what
// `step ca bootstrap --fingerprint` and `sshca-agent bootstrap` pin.
Result<std::string> sha256Fingerprint(const X509& cert);

}  // namespace sshca::setup
