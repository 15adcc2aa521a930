// What `sshca backup` keeps of ca.json and `sshca restore` makes of it.
// A backup holds the CA's public state and never a secret: ca.json names
// the files that hold secrets (PIN file, TLS key, provisioner keys) but
// never holds one, except where an admin wrote one into a URI (a kms URI's
// pin-value=, a DSN's password=): those are dropped from the copy.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

// ca.json for the archive: the same configuration (its original paths),
// without pin-value= in the kms URI and without the DSN's password.
// `dropped` says what was left out. Fails if anything that still looks like
// a secret field remains (secretLookingFields).
struct BackupConfig {
  std::string json;
  std::vector<std::string> dropped;
};
Result<BackupConfig> configForBackup(const config::CaConfig& config);

// The JSON paths of fields whose name says PIN, password, passphrase or
// secret ("/provisioners/0/clientSecret"), anywhere in `j`, and of string
// values holding a pin-value= or password= attribute. Empty for a ca.json
// `sshca init` writes.
std::vector<std::string> secretLookingFields(const nlohmann::json& j);

// One thing a restored CA needs that the backup does not hold.
struct ToProvide {
  std::string what;      // "the token's user PIN"
  std::string path;      // where the restored ca.json expects it
  std::string original;  // where the backed-up ca.json had it ("" if nowhere)
};

// The backed-up configuration moved into `layout` (every file path it names
// now lies in the new CA directory, as `sshca init` lays it out), and the
// secrets the admin must put there before `sshca serve`.
struct RestoredConfig {
  config::CaConfig config;
  std::vector<ToProvide> toProvide;
};
RestoredConfig configForRestore(const config::CaConfig& backedUp, const CaLayout& layout);

// A PKCS#11 URI with the attribute `name` removed (from its path or its
// query part), or with its value replaced when `value` is given.
std::string withoutUriAttribute(const std::string& uri, const std::string& name);
std::string withUriAttribute(const std::string& uri, const std::string& name, const std::string& value);

}  // namespace sshca::setup
