#include "ca/cli/key_source.h"

#include <filesystem>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

std::unique_ptr<KeyManager> openPkcs11(const std::string& kmsUri, const Pkcs11Options& opts) {
  if (kmsUri.empty()) fail(makeError(ErrorCode::InvalidArgument, "--kms is required (a pkcs11: URI)"));
  KmsUri uri = orFail(parseKmsUri(kmsUri));
  return orFail(openPkcs11KeyManager(uri, opts));
}

// ssh-keygen's PATH.pub when there is one, else the key file's public half.
PublicKey publicKeyFromFile(const std::string& path) {
  const std::string pubPath = path + ".pub";
  if (!std::filesystem::exists(pubPath)) return orFail(loadSoftSigner(path))->publicKey();
  std::string line = orFail(readFile(pubPath));
  return orFail(ssh::parsePublicKeyLine(line)).key;
}

}  // namespace

std::unique_ptr<KeyManager> openKeyManager(const std::string& kmsUri) { return openPkcs11(kmsUri, {}); }

SignerPtr openSigner(const std::string& kmsUri, const std::string& keyUri) {
  if (keyUri.rfind("file:", 0) == 0) return orFail(loadSoftSigner(keyUri.substr(5)));
  KeyRef ref = orFail(parseKeyUri(keyUri));
  return orFail(openKeyManager(kmsUri)->createSigner(ref));
}

std::vector<PublicKey> openPublicKeys(const std::string& kmsUri, const std::vector<std::string>& keyUris) {
  std::unique_ptr<KeyManager> token;  // opened for the first pkcs11 key
  std::vector<PublicKey> out;
  for (const auto& keyUri : keyUris) {
    if (keyUri.rfind("file:", 0) == 0) {
      out.push_back(publicKeyFromFile(keyUri.substr(5)));
      continue;
    }
    KeyRef ref = orFail(parseKeyUri(keyUri));
    if (!token) {
      Pkcs11Options publicOnly;
      publicOnly.login = false;
      token = openPkcs11(kmsUri, publicOnly);
    }
    out.push_back(orFail(token->publicKey(ref)));
  }
  return out;
}

}  // namespace sshca::cli
