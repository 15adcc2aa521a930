// makeProvisioner (provisioner.h): the one place a config "type" becomes a
// Provisioner implementation.
#include "provisioners/jwk_provisioner.h"
#include "provisioners/provisioner.h"

namespace sshca::provisioners {

Result<ProvisionerPtr> makeProvisioner(const config::ProvisionerConfig& config) {
  if (config.type == "jwk") {
    SSHCA_ASSIGN_OR_RETURN(auto jwk, JwkProvisioner::create(config));
    return ProvisionerPtr(std::move(jwk));
  }
  return makeError(ErrorCode::Unsupported,
                   "provisioner \"" + config.name + "\": unknown type '" + config.type + "' (known: jwk)");
}

}  // namespace sshca::provisioners
