// `sshca init`: a complete CA in one directory, in one step (issue 4).
// Keys on the token (an embedded SoftHSM2 token unless a kms URI is
// given), the X.509 root and intermediate, the service's TLS certificate,
// a JWK provisioner, the database and DIR/config/ca.json, written last:
// a DIR without ca.json is not a CA and is never taken for one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

struct InitOptions {
  std::string dir;
  std::string name = "sshca";  // X.509 subjects: O=NAME, CN=NAME Root CA / NAME Intermediate CA
  std::vector<std::string> dnsNames{"localhost", "127.0.0.1"};  // TLS SANs; IPs become IP SANs
  std::string address = "127.0.0.1:8443";                       // where `sshca serve` listens
  std::string url;                                              // default https://<first dns name>:<port of address>
  std::string kms;                                              // empty: an embedded SoftHSM2 token in DIR
  std::string sshKeyType = "ecdsa-p256";
  std::string provisioner = "admin";
  int64_t now = 0;  // seconds since the epoch: when the certificates start (the caller reads the clock)
  // Told each step as it starts ("creating keys on the token"); may be empty.
  std::function<void(std::string_view)> progress;
};

struct InitResult {
  CaLayout layout;
  config::CaConfig config;
  bool embeddedToken = false;
  // Lower-case hex SHA-256 over the root's DER, no colons: what
  // `step ca bootstrap --fingerprint` and `sshca-agent bootstrap` pin.
  std::string rootFingerprint;
  std::string sshUserCaKey;  // "ecdsa-sha2-nistp256 AAAA... sshca user CA"
  std::string sshHostCaKey;
};

// Refuses (AlreadyExists) a DIR that holds a CA, and checks every option
// before anything is created. On a failure half-way, DIR is left as it is
// for inspection (the message says so): remove it and run again.
Result<InitResult> initCa(const InitOptions& options);

}  // namespace sshca::setup
