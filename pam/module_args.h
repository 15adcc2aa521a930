// The arguments of a pam_sshca line in /etc/pam.d (see docs/pam.md):
//   ca_file=PATH krl_file=PATH authorized_principals_file=PATH
//   principal=NAME group=NAME on_failure=auth_err|ignore require_cert
//   agent_timeout=SECONDS log_file=PATH debug
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::pam {

// What to return when the module refuses (auth) or cannot decide.
enum class FailureMode { AuthErr, Ignore };

struct ModuleArgs {
  std::string caFile;  // required
  std::optional<std::string> krlFile;
  std::optional<std::string> authorizedPrincipalsFile;  // %u, %% expanded
  std::string principal = "%u";                         // used without a principals file
  std::optional<std::string> group;                     // auth only for members
  FailureMode onFailure = FailureMode::AuthErr;
  bool requireCert = false;            // session: login must use our certificate
  unsigned agentTimeoutSeconds = 30;   // a confirming agent waits for a human
  std::optional<std::string> logFile;  // also append log lines here (tests)
  bool debug = false;
};

// Parses argv as PAM passes it. An unknown or malformed argument is an
// error: a typo must not silently weaken the configuration.
Result<ModuleArgs> parseModuleArgs(const std::vector<std::string>& argv);

// Replaces %u with `user` and %% with %; any other % sequence is refused.
Result<std::string> expandUserTokens(const std::string& pattern, const std::string& user);

}  // namespace sshca::pam
