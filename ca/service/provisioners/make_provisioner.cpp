// makeProvisioner (provisioner.h): the one place a config "type" becomes a
// Provisioner implementation.
#include "ca/service/provisioners/jwk_provisioner.h"
#include "ca/service/provisioners/oidc_provisioner.h"
#include "ca/service/provisioners/provisioner.h"
#include "ca/service/provisioners/sshpop_provisioner.h"

namespace sshca::provisioners {

Result<ProvisionerPtr> makeProvisioner(const config::ProvisionerConfig& config) {
  if (config.type == "jwk") {
    SSHCA_ASSIGN_OR_RETURN(auto jwk, JwkProvisioner::create(config));
    return ProvisionerPtr(std::move(jwk));
  }
  if (config.type == "sshpop") {
    SSHCA_ASSIGN_OR_RETURN(auto sshpop, SshpopProvisioner::create(config));
    return ProvisionerPtr(std::move(sshpop));
  }
  if (config.type == "oidc") {
    SSHCA_ASSIGN_OR_RETURN(auto oidc, OidcProvisioner::create(config));
    return ProvisionerPtr(std::move(oidc));
  }
  return makeError(ErrorCode::Unsupported, "provisioner \"" + config.name + "\": unknown type '" + config.type +
                                               "' (known: jwk, sshpop, oidc)");
}

}  // namespace sshca::provisioners
