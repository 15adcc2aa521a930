// pam_sm_authenticate's work, free of PAM types: the user's agent holds a
// certificate of ours that qualifies (cert_selection) and proves it holds
// its key (possession_proof).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "pam/audit_log.h"
#include "pam/module_args.h"
#include "pam/user_account.h"

namespace sshca::pam {

struct AuthRequest {
  std::string user;                        // PAM_USER
  std::optional<std::string> agentSocket;  // SSH_AUTH_SOCK (PAM env, else process env)
  std::optional<std::string> remoteHost;   // PAM_RHOST
};

// The principals a certificate must name one of for `user`: those of
// authorized_principals_file, else principal= (default: the user name).
Result<std::vector<std::string>> acceptedPrincipals(const ModuleArgs& args, const UserAccount& user);

// The certificate that authenticated the user, or why none did.
Result<ssh::Certificate> authenticateByAgent(const ModuleArgs& args, const AuthRequest& req, const AuditLog& log);

}  // namespace sshca::pam
