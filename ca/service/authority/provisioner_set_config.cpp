#include <set>
#include <utility>

#include "ca/service/authority/provisioner_set.h"

namespace sshca::authority {

namespace {

// Two OIDC provisioners for the same issuer and client would both claim
// every token of that client (ProvisionerSet::forToken).
Status checkOidcClientsUnique(const config::CaConfig& config) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& p : config.provisioners)
    if (p.type == "oidc" && !seen.emplace(p.oidc.issuer, p.oidc.clientId).second)
      return makeError(ErrorCode::InvalidArgument, "two oidc provisioners share issuer " + p.oidc.issuer +
                                                       " and client ID '" + p.oidc.clientId + "'");
  return okStatus();
}

}  // namespace

Result<ProvisionerSetPtr> buildProvisionerSet(const config::CaConfig& config) {
  SSHCA_RETURN_IF_ERROR(checkOidcClientsUnique(config));
  std::vector<provisioners::ProvisionerPtr> list;
  for (const auto& entry : config.provisioners) {
    // An ACME provisioner takes no tokens: the ACME server (service/acme/)
    // serves it under /acme/{name}/.
    if (entry.type == "acme") continue;
    auto p = provisioners::makeProvisioner(entry);
    if (!p.ok()) return std::move(p).error().context("provisioner '" + entry.name + "'");
    list.push_back(std::move(p).value());
  }
  return ProvisionerSet::fromList(std::move(list));
}

}  // namespace sshca::authority
