#include "pam/user_account.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sshca::pam {
namespace {

// getpwnam_r/getgrnam_r: thread-safe, unlike getpwnam, which a PAM host
// application may be using itself.
constexpr size_t kInitialBuffer = 4096;
constexpr size_t kMaxBuffer = 1 << 20;

Result<std::vector<gid_t>> groupListOf(const char* name, gid_t primary) {
  int n = 32;
  for (int tries = 0; tries < 8; ++tries) {
    std::vector<gid_t> groups(static_cast<size_t>(n));
    int count = n;
    if (getgrouplist(name, primary, groups.data(), &count) >= 0) {
      groups.resize(static_cast<size_t>(count));
      return groups;
    }
    n = std::max(count, n * 2);
  }
  return makeError(ErrorCode::IoError, std::string("cannot list the groups of '") + name + "'");
}

}  // namespace

Result<UserAccount> lookupUser(const std::string& name) {
  std::vector<char> buf(kInitialBuffer);
  passwd pw{};
  passwd* found = nullptr;
  int rc = 0;
  while ((rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < kMaxBuffer)
    buf.resize(buf.size() * 2);
  if (rc != 0) return makeError(ErrorCode::IoError, "looking up user '" + name + "': " + std::strerror(rc));
  if (found == nullptr) return makeError(ErrorCode::NotFound, "no such user '" + name + "'");
  UserAccount user{name, pw.pw_uid, pw.pw_gid, {}};
  SSHCA_ASSIGN_OR_RETURN(user.groups, groupListOf(pw.pw_name, pw.pw_gid));
  return user;
}

Result<bool> isMemberOf(const UserAccount& user, const std::string& groupName) {
  std::vector<char> buf(kInitialBuffer);
  group gr{};
  group* found = nullptr;
  int rc = 0;
  while ((rc = getgrnam_r(groupName.c_str(), &gr, buf.data(), buf.size(), &found)) == ERANGE && buf.size() < kMaxBuffer)
    buf.resize(buf.size() * 2);
  if (rc != 0) return makeError(ErrorCode::IoError, "looking up group '" + groupName + "': " + std::strerror(rc));
  if (found == nullptr) return makeError(ErrorCode::NotFound, "no such group '" + groupName + "'");
  return std::find(user.groups.begin(), user.groups.end(), gr.gr_gid) != user.groups.end();
}

}  // namespace sshca::pam
