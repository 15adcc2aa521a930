#include "authority/provisioner_set.h"

namespace sshca::authority {

Result<ProvisionerSetPtr> buildProvisionerSet(const config::CaConfig& config) {
  std::vector<provisioners::ProvisionerPtr> list;
  for (const auto& entry : config.provisioners) {
    auto p = provisioners::makeProvisioner(entry);
    if (!p.ok()) return std::move(p).error().context("provisioner '" + entry.name + "'");
    list.push_back(std::move(p).value());
  }
  return ProvisionerSet::fromList(std::move(list));
}

}  // namespace sshca::authority
