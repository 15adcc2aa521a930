// The identities the CA refuses to issue to (store/denied_identity.h). Every
// write is durable when the call returns; a read sees every write of every
// instance that has returned.
#pragma once

#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/denied_identity.h"

namespace sshca::store {

class DenyListStore {
 public:
  virtual ~DenyListStore() = default;

  // AlreadyExists if the same kind and value is denied already (the first
  // denial and its reason stand).
  virtual Status addDenied(const DeniedIdentity& denied) = 0;
  // NotFound if it was not denied.
  virtual Status removeDenied(const DenyKey& key) = 0;
  // Every denial, oldest first.
  virtual Result<std::vector<DeniedIdentity>> listDenied() = 0;
  // The denials among `keys` (empty: none of them is denied).
  virtual Result<std::vector<DeniedIdentity>> findDenied(const std::vector<DenyKey>& keys) = 0;
};

}  // namespace sshca::store
