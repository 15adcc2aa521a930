// `sshca import-step-ca`: a step-ca configuration (step_ca_config.h)
// becomes an sshca CA in a new directory laid out as `sshca init` lays it
// (ca_layout.h). step's key files are decrypted in memory and put onto the
// token (never written to disk by us); keys already on a PKCS#11 token
// stay there, named by their URIs. The root and intermediate certificates
// are copied (clients keep the fingerprint they pinned), the service gets a
// new TLS certificate from the intermediate, the provisioners keep their
// keys, so that tokens `step ca token` mints keep working.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/x509/private_key_file.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/ca_init.h"
#include "ca/service/setup/ca_layout.h"
#include "ca/service/setup/step_ca_config.h"

namespace sshca::setup {

struct StepImportOptions {
  std::string dir;             // must not exist, or be empty
  std::string name = "sshca";  // ca.json's name: key comments and logs
  // A token for step's key files instead of a new embedded SoftHSM2 one
  // (refused when step's own keys are on a PKCS#11 token: they stay there).
  std::string kms;
  // The key files' password when step's ca.json holds none; asked only
  // when a file is encrypted.
  x509::PasswordSource password;
  int64_t now = 0;  // seconds since the epoch (the caller reads the clock)
  std::function<void(std::string_view)> progress;
};

// What `sshca init` reports, with step-ca's root fingerprint unchanged.
using StepImportResult = InitResult;

// Everything that can be refused (files, passwords, key/certificate pairs)
// is refused before DIR is created. On a failure after that, DIR is left
// for inspection and the message says to remove it.
Result<StepImportResult> importStepCa(const StepCaConfig& step, const StepImportOptions& options);

}  // namespace sshca::setup
