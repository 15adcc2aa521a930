// The sshd_config.d drop-in for this host, from what is on disk.
#pragma once

#include <string>
#include <vector>

#include "agent/host/host_keys.h"

namespace sshca::agent {

struct DropinInputs {
  std::string userCaFile;
  std::string krlFile;
  std::vector<HostKeyFiles> keys;
};

// TrustedUserCAKeys; a HostCertificate line per key whose certificate
// exists; RevokedKeys only when the KRL file exists (sshd refuses every
// public-key login when it cannot read it), commented out otherwise.
std::string renderSshdDropin(const DropinInputs& in);

}  // namespace sshca::agent
