// Where `sshca init` puts everything inside DIR (docs/configuration.md):
//   config/ca.json         the CA's configuration (0600; written last)
//   softhsm2.conf, tokens/ the embedded SoftHSM2 token (without --kms)
//   secrets/               PINs and software keys (dir 0700, files 0600)
//   certs/                 root, intermediate, chain, the service's TLS chain
//   db/sshca.db            the SQLite database
// All paths absolute, since ca.json is read from other working directories.
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::setup {

struct CaLayout {
  std::string dir;
  std::string configDir, configFile;
  std::string softhsm2Conf, tokensDir;
  std::string secretsDir, pinFile, soPinFile, tlsKey;
  std::string certsDir, rootCert, intermediateCert, chain, serverChain;
  std::string dbDir, dbFile;

  // secrets/provisioner-<name>.key
  std::string provisionerKey(const std::string& provisionerName) const;
};

// InvalidArgument for an empty DIR; relative paths are made absolute.
Result<CaLayout> caLayoutFor(const std::string& dir);

// AlreadyExists when DIR holds a CA (config/ca.json) or the leftovers of an
// unfinished init (token, secrets, certificates, database), so that nothing
// of an existing CA is ever overwritten or a second token made beside one.
Status refuseExistingCa(const CaLayout& layout);

// AlreadyExists unless DIR is new or an empty directory: what
// `sshca import-step-ca` and `sshca restore` make never lands beside
// anything. `doing` names the command in the refusal ("import", "restore").
Status refuseNonEmptyDir(const CaLayout& layout, const std::string& doing);

}  // namespace sshca::setup
