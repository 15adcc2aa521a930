// pam_sm_open_session's work, free of PAM types: which certificate of ours
// the ssh login used (SSH_AUTH_INFO_0), whether it is revoked now, and
// (require_cert) whether there was one at all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "pam/audit_log.h"
#include "pam/module_args.h"

namespace sshca::pam {

struct SessionRequest {
  std::string user;                     // PAM_USER
  std::optional<std::string> authInfo;  // SSH_AUTH_INFO_0 from the PAM environment
};

// Our certificates the login used (usually one; none for a login by
// password or by a plain key), or why the session must be refused.
Result<std::vector<ssh::Certificate>> checkSessionCertificates(const ModuleArgs& args, const SessionRequest& req,
                                                               const AuditLog& log);

}  // namespace sshca::pam
