// What POST /ssh/config answers (step-ca 0.19's default SSH templates,
// rendered the way step-ca renders them): for "user", the ssh_config
// snippet, the include line, step's ssh/config and a known_hosts trusting
// the host CA; for "host", the sshd_config lines and the user CA key for
// /etc/ssh/ca.pub. `step ssh config` writes these files. Pure: the keys
// and the client's variables are arguments.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/service/api/authority_api.h"

namespace sshca::authority {

// The CA public keys in authorized_keys form ("ecdsa-sha2-nistp256 AAAA...").
struct SshConfigKeys {
  std::string userKey;
  std::string hostKey;
};

// `data` holds the client's variables (step sends StepPath, StepBasePath,
// GOOS, User, Context, StepSSHTemplateVersion; a host sends Certificate and
// Key). InvalidArgument when a host template's required variable is missing.
Result<std::vector<api::SshConfigTemplate>> renderSshConfig(ssh::CertType type,
                                                            const std::map<std::string, std::string>& data,
                                                            const SshConfigKeys& keys);

}  // namespace sshca::authority
