// The account PAM names (PAM_USER), from the passwd and group databases.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::pam {

struct UserAccount {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, primary included
};

// NotFound for an unknown user.
Result<UserAccount> lookupUser(const std::string& name);
// Whether the user is a member of the group `groupName` (primary or
// supplementary); NotFound when the group does not exist.
Result<bool> isMemberOf(const UserAccount& user, const std::string& groupName);

}  // namespace sshca::pam
