// The sshca user certificates in the running ssh-agent: those whose
// signing key is one of the CA's user keys pinned at bootstrap. status
// lists them; logout removes them (with their keys: login added only the
// certificate form, so nothing of ours stays behind).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

struct AgentCertificate {
  Bytes keyBlob;
  ssh::Certificate certificate;
};

Result<std::vector<AgentCertificate>> sshcaCertificatesInAgent(const std::string& socketPath,
                                                               const std::vector<PublicKey>& userCaKeys);
// How many were removed.
Result<int> removeSshcaCertificates(const std::string& socketPath, const std::vector<PublicKey>& userCaKeys);

// "<key id>  serial N  principals a,b  expires <UTC> (in 3h12m)" or "(expired)".
std::string describeCertificate(const ssh::Certificate& cert, int64_t now);

}  // namespace sshca::agent
