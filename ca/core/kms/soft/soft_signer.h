// A Signer over a private key in a file (tests, offline use). Production
// CA keys live on a token (kms/pkcs11).
#pragma once

#include <string>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"

namespace sshca {

// Reads an unencrypted PEM private key (PKCS#8 or traditional, via
// OpenSSL) or an unencrypted OpenSSH private key file.
// description() is "file:" + path.
Result<SignerPtr> loadSoftSigner(const std::string& path);

// Wraps a private EVP_PKEY (takes ownership). description() is "memory".
Result<SignerPtr> softSignerFromEvp(ossl::EvpPkey key);

}  // namespace sshca
