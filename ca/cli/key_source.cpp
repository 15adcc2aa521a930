#include "cli/key_source.h"

#include "cli/cli_error.h"
#include "kms/kms_uri.h"
#include "kms/pkcs11/pkcs11_kms.h"
#include "kms/soft/soft_signer.h"

namespace sshca::cli {
namespace {

std::unique_ptr<KeyManager> openPkcs11(const std::string& kmsUri, const Pkcs11Options& opts) {
  if (kmsUri.empty()) fail(makeError(ErrorCode::InvalidArgument, "--kms is required (a pkcs11: URI)"));
  KmsUri uri = orFail(parseKmsUri(kmsUri));
  return orFail(openPkcs11KeyManager(uri, opts));
}

}  // namespace

std::unique_ptr<KeyManager> openKeyManager(const std::string& kmsUri) { return openPkcs11(kmsUri, {}); }

SignerPtr openSigner(const std::string& kmsUri, const std::string& keyUri) {
  if (keyUri.rfind("file:", 0) == 0) return orFail(loadSoftSigner(keyUri.substr(5)));
  KeyRef ref = orFail(parseKeyUri(keyUri));
  return orFail(openKeyManager(kmsUri)->createSigner(ref));
}

PublicKey openPublicKey(const std::string& kmsUri, const std::string& keyUri) {
  if (keyUri.rfind("file:", 0) == 0) return orFail(loadSoftSigner(keyUri.substr(5)))->publicKey();
  KeyRef ref = orFail(parseKeyUri(keyUri));
  Pkcs11Options publicOnly;
  publicOnly.login = false;
  return orFail(openPkcs11(kmsUri, publicOnly)->publicKey(ref));
}

}  // namespace sshca::cli
