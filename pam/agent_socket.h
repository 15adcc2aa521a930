// Opening the user's ssh-agent socket (SSH_AUTH_SOCK) without letting the
// caller borrow somebody else's agent. See docs/pam.md, "Whose agent".
//
// The rules, in order:
//  1. the process's real uid (who invoked sudo/su) is the user being
//     authenticated or root: otherwise user A could point SSH_AUTH_SOCK at
//     B's forwarded agent while running `su B`;
//  2. a forked child drops to the user's uid, gid and groups, and only
//     then looks at the path: lstat says it is a socket owned by the user
//     (not a symlink), and connect() follows. The kernel's permission
//     checks are the user's own: a swapped path or a 0700 directory of
//     another user fails as it would for them, and a home directory that
//     root cannot read (NFS root_squash, FUSE without allow_root) works
//     as it does for the user. The child passes the connected fd back
//     (SCM_RIGHTS). Forking leaves the host process's credentials
//     untouched, which seteuid/setfsuid in a PAM module (possibly
//     multi-threaded host) would not;
//  3. SO_PEERCRED, in the (root) parent: the process listening is the
//     user's or root's.
#pragma once

#include <sys/types.h>

#include <string>

#include "ca/core/common/result.h"
#include "ca/core/common/unique_fd.h"
#include "pam/user_account.h"

namespace sshca::pam {

// Rule 1 alone (pure, for tests): PermissionDenied when `realUid` is
// neither 0 nor `user.uid`.
Status checkCallerMayUseAgent(uid_t realUid, const UserAccount& user);

// Rules 1-3; the returned socket has send/receive timeouts of
// `timeoutSeconds`. PermissionDenied / NotFound / Unavailable with the
// reason (the path is named, nothing secret is involved).
Result<UniqueFd> connectUserAgent(const std::string& path, const UserAccount& user, unsigned timeoutSeconds);

}  // namespace sshca::pam
