// Reading an existing CA private key for `sshca pki import`: PEM (PKCS#8,
// encrypted PKCS#8 or traditional) or PKCS#12. The password is asked for
// through a callback only when the file is encrypted, so that callers need
// not prompt for keys that have none.
#pragma once

#include <functional>
#include <span>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::x509 {

using PasswordSource = std::function<Result<SecretBytes>()>;

struct PrivateKeyFile {
  ossl::EvpPkey key;
  ossl::X509Ptr certificate;  // from a PKCS#12 bag; null otherwise
};

Result<PrivateKeyFile> readPrivateKeyFile(std::span<const uint8_t> data, const PasswordSource& password);

}  // namespace sshca::x509
