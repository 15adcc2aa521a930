// OpenSSH's own private key file format, "openssh-key-v1" (PROTOCOL.key in
// openssh-portable), unencrypted only. Key encodings inside follow the
// SSH agent protocol (draft-miller-ssh-agent §4.2.3-4.2.5).
#pragma once

#include <span>
#include <string_view>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::ssh {

// True if the text holds a "BEGIN OPENSSH PRIVATE KEY" block.
bool isOpenSshPrivateKey(std::string_view text);

// Parses the armored file contents into an owning private EVP_PKEY
// (Ed25519, ECDSA P-256/384/521 or RSA). Refuses encrypted keys, files with
// more than one key, differing checkints, bad padding, and a public key that
// does not match the private one.
Result<ossl::EvpPkey> parseOpenSshPrivateKey(std::string_view text);
// The same, from the base64-decoded binary blob.
Result<ossl::EvpPkey> parseOpenSshPrivateKeyBlob(std::span<const uint8_t> blob);

// The armored file (unencrypted, one key, `comment` inside), as ssh-keygen
// writes it with no passphrase (openssh_private_key_writer.cpp). Secret:
// the caller writes it 0600.
Result<SecretBytes> formatOpenSshPrivateKey(const EVP_PKEY* key, std::string_view comment);

}  // namespace sshca::ssh
