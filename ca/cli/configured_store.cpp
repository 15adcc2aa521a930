#include "ca/cli/configured_store.h"

#include "ca/service/config/ca_config.h"
#include "ca/service/store/store_factory.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {

std::unique_ptr<store::SshIssuanceStore> openConfiguredStore(const std::string& configPath) {
  config::CaConfig ca = orFail(config::loadCaConfig(configPath));
  return orFail(store::openSshIssuanceStore(ca.db, 1));
}

}  // namespace sshca::cli
