// The provisioners the authority currently trusts, by name (= a token's
// "iss"). Immutable once built: a reload builds a new set and swaps the
// pointer, so a request in flight finishes with the set it started with.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/jose/jws.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/provisioners/provisioner.h"

namespace sshca::authority {

class ProvisionerSet {
 public:
  // InvalidArgument if two provisioners share a name.
  static Result<std::shared_ptr<const ProvisionerSet>> fromList(std::vector<provisioners::ProvisionerPtr> list);

  // The provisioner named by the token's unverified "iss" claim, else the
  // one provisioner that claims the token (OIDC: iss is the issuer URL and
  // aud the client ID; several may share an issuer). Unauthenticated when
  // the claim is missing or no provisioner takes the token: the caller
  // cannot be established. The claims are only a lookup key; the
  // provisioner then verifies the token (including "iss") itself.
  Result<provisioners::ProvisionerPtr> forToken(const jose::JwsParts& token) const;

  const std::vector<provisioners::ProvisionerPtr>& all() const { return list_; }

 private:
  ProvisionerSet() = default;
  std::vector<provisioners::ProvisionerPtr> list_;  // config order, for GET /provisioners
  std::map<std::string, provisioners::ProvisionerPtr, std::less<>> byName_;
};

using ProvisionerSetPtr = std::shared_ptr<const ProvisionerSet>;

// makeProvisioner for every entry of ca.json (lives in its own file: it is
// the only part that needs the provisioner implementations).
Result<ProvisionerSetPtr> buildProvisionerSet(const config::CaConfig& config);

}  // namespace sshca::authority
