#include "ca/service/setup/ca_token_keys.h"

#include <string>

namespace sshca::setup {
namespace {

Result<PublicKey> create(KeyManager& km, const char* label, const KeySpec& spec) {
  auto key = km.createKey(KeyRef{label, {}}, spec);
  if (!key.ok()) return std::move(key).error().context(std::string("creating key '") + label + "' on the token");
  return key;
}

Result<SignerPtr> createWithSigner(KeyManager& km, const char* label, const KeySpec& spec) {
  SSHCA_RETURN_IF_ERROR(create(km, label, spec));
  return km.createSigner(KeyRef{label, {}});
}

}  // namespace

Result<CaTokenKeys> createCaTokenKeys(KeyManager& km, const KeySpec& sshSpec) {
  SSHCA_ASSIGN_OR_RETURN(PublicKey user, create(km, kSshUserCaLabel, sshSpec));
  SSHCA_ASSIGN_OR_RETURN(PublicKey host, create(km, kSshHostCaLabel, sshSpec));
  SSHCA_ASSIGN_OR_RETURN(SignerPtr root, createWithSigner(km, kRootCaLabel, kX509CaKeySpec));
  SSHCA_ASSIGN_OR_RETURN(SignerPtr intermediate, createWithSigner(km, kIntermediateCaLabel, kX509CaKeySpec));
  return CaTokenKeys{std::move(user), std::move(host), std::move(root), std::move(intermediate)};
}

}  // namespace sshca::setup
