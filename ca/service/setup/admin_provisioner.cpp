#include "ca/service/setup/admin_provisioner.h"

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"

namespace sshca::setup {
namespace {

constexpr size_t kMaxNameLength = 64;

bool nameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

Result<std::string> jwsAlgFor(const PublicKey& key) {
  switch (key.algorithm()) {
    case KeyAlgorithm::EcdsaP256:
      return std::string("ES256");
    case KeyAlgorithm::EcdsaP384:
      return std::string("ES384");
    case KeyAlgorithm::EcdsaP521:
      return std::string("ES512");
    case KeyAlgorithm::Ed25519:
      return std::string("EdDSA");
    case KeyAlgorithm::Rsa:
      return std::string("RS256");
  }
  return makeError(ErrorCode::Internal, "unknown key algorithm");
}

}  // namespace

Status checkProvisionerName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= kMaxNameLength && name.front() != '.';
  for (char c : name) ok = ok && nameChar(c);
  if (!ok)
    return makeError(ErrorCode::InvalidArgument, "provisioner name '" + name +
                                                     "' must be 1-64 letters, digits, '.', '_' or '-' "
                                                     "(not starting with '.')");
  return okStatus();
}

Result<config::ProvisionerConfig> jwkProvisionerConfig(const std::string& name, const PublicKey& key,
                                                       const std::string& privateKeyFile) {
  SSHCA_RETURN_IF_ERROR(checkProvisionerName(name));
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json jwk, jose::publicJwkOf(key));
  SSHCA_ASSIGN_OR_RETURN(std::string kid, jose::thumbprintSha256(key));
  SSHCA_ASSIGN_OR_RETURN(std::string alg, jwsAlgFor(key));
  jwk["kid"] = kid;
  jwk["use"] = "sig";
  jwk["alg"] = alg;
  config::ProvisionerConfig p;
  p.type = "jwk";
  p.name = name;
  p.publicKeyJwk = jwk.dump();
  p.privateKeyFile = privateKeyFile;
  p.tokenMaxLifetimeSeconds = kTokenMaxLifetimeSeconds;
  p.policy = policy::SshPolicy{};
  return p;
}

}  // namespace sshca::setup
