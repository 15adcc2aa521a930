// step-ca's ca.json (0.19 and later) read as what an sshca CA needs, for
// `sshca import-step-ca`: the address and names, where the SSH CA keys and
// the intermediate's key are (files to put on the token, or PKCS#11 URIs
// kept), the root and intermediate certificates, and the provisioners as
// sshca provisioners (JWK with its public key and encryptedKey, OIDC,
// SSHPOP; step's claims as each one's policy). Every field of step's file
// is accounted for: either in `mapped` (what it became) or in `unmapped`
// (why it has no equivalent here). Pure: no file is read, nothing made.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/service/config/ca_config.h"

namespace sshca::setup {

// One of step's keys: a PEM file (put onto the token by the import, never
// copied) or a PKCS#11 key URI on step's own token (kept as it is).
struct StepKey {
  std::string field;  // where step names it, e.g. "ssh.userKey"
  std::string file;   // absolute path, or empty
  std::string uri;    // pkcs11:..., or empty

  bool onToken() const { return !uri.empty(); }
};

struct StepCaConfig {
  std::string address;  // where sshca serve listens (step's ":443" as "0.0.0.0:443")
  std::string url;      // https://<first dnsName>:<port>
  std::vector<std::string> dnsNames;
  // step's kms.uri when its type is pkcs11 (its token, kept); empty: the
  // import makes a token. kmsPin: step's kms.pin, to be written to a PIN
  // file (sshca never keeps a PIN in ca.json).
  std::string kms;
  SecretBytes kmsPin;
  StepKey userKey, hostKey, intermediateKey;
  std::string rootCert, intermediateCert;  // absolute paths of PEM files
  std::vector<config::ProvisionerConfig> provisioners;
  SecretBytes password;               // step's "password" (decrypts its key files); empty when absent
  std::vector<std::string> mapped;    // "step field -> sshca field"
  std::vector<std::string> unmapped;  // "step field: why not imported"
};

// `json` is step's ca.json; `stepPath` ($STEPPATH, the parent of the
// config/ directory) resolves the relative paths in it, as step-ca does.
// InvalidArgument (naming the field) for what no CA could be made from: no
// SSH keys, a key in a KMS other than PKCS#11 or files, no root or
// intermediate, malformed values.
Result<StepCaConfig> readStepCaConfig(std::string_view json, const std::string& stepPath);

// "16h0m0s", "720h", "1h30m", "90s" (Go's time.Duration text, whole
// seconds) -> seconds.
Result<uint64_t> parseGoDuration(std::string_view text);

}  // namespace sshca::setup
