#include "ca/service/authority/provisioner_set.h"

namespace sshca::authority {

Result<ProvisionerSetPtr> ProvisionerSet::fromList(std::vector<provisioners::ProvisionerPtr> list) {
  std::shared_ptr<ProvisionerSet> set(new ProvisionerSet());
  for (auto& p : list) {
    if (!p) return makeError(ErrorCode::Internal, "null provisioner");
    if (!set->byName_.emplace(p->name(), p).second)
      return makeError(ErrorCode::InvalidArgument, "provisioner name '" + p->name() + "' is used twice");
  }
  set->list_ = std::move(list);
  return ProvisionerSetPtr(std::move(set));
}

Result<provisioners::ProvisionerPtr> ProvisionerSet::forToken(const jose::JwsParts& token) const {
  auto iss = token.payload.find("iss");
  if (iss == token.payload.end() || !iss->is_string())
    return makeError(ErrorCode::Unauthenticated, "the token has no issuer (\"iss\")");
  auto found = byName_.find(iss->get_ref<const std::string&>());
  if (found != byName_.end()) return found->second;
  // fromList made sure at most one provisioner claims any token.
  for (const auto& p : list_)
    if (p->claimsToken(token.payload)) return p;
  // The name is attacker-chosen: not echoed back.
  return makeError(ErrorCode::Unauthenticated, "the token's issuer (and audience) is not a provisioner of this CA");
}

}  // namespace sshca::authority
