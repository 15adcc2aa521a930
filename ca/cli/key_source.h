// Opening the key store and signers named on the command line:
//   --kms pkcs11:...  --key pkcs11:object=ssh-user-ca   (a key on a token)
//   --key file:PATH                                     (a software key file)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ca/core/keys/signer.h"
#include "ca/core/kms/key_manager.h"

namespace sshca::cli {

// Opens the token named by the kms URI and logs in (PIN from the URI's
// pin-source or SSHCA_PIN). Fails the command on error.
std::unique_ptr<KeyManager> openKeyManager(const std::string& kmsUri);

// A signer for `keyUri`: "file:PATH" loads a key file, anything else is a
// PKCS#11 key URI on the token of `kmsUri` (required then).
SignerPtr openSigner(const std::string& kmsUri, const std::string& keyUri);

// The public halves of `keyUris`, in order, without a login: no PIN is
// read (public key objects are readable in a public session) and the token
// is opened once for all of them. "file:PATH" reads PATH.pub when it exists
// (no private key material is touched), else the key file itself.
std::vector<PublicKey> openPublicKeys(const std::string& kmsUri, const std::vector<std::string>& keyUris);

}  // namespace sshca::cli
