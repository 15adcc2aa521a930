// The password of an encrypted key file (`sshca pki import`,
// `sshca import-step-ca`): $SSHCA_KEY_PASSWORD, --password-file, or the
// terminal, asked only when a file turns out to be encrypted. Never argv:
// it would show in `ps` and shell history.
#pragma once

#include <string>

#include "ca/core/x509/private_key_file.h"

namespace sshca::cli {

x509::PasswordSource keyPasswordSource(const std::string& passwordFile);

}  // namespace sshca::cli
