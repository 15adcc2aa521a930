// The CA routes the agent calls, typed: JSON bodies as docs/protocol/tokens.md and
// docs/protocol/api.md describe them (step-ca's field names).
#pragma once

#include <string>
#include <vector>

#include "agent/ca_client/ca_client.h"
#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

struct SshRoots {
  std::vector<PublicKey> userKeys;
  std::vector<PublicKey> hostKeys;
};

// GET /ssh/roots.
Result<SshRoots> fetchSshRoots(const CaClient& ca);
// GET /roots ({"crts": [PEM...]}, step-ca's shape): the PEMs, concatenated.
Result<std::string> fetchRootsPem(const CaClient& ca);
// GET /provisioners: the name of the first provisioner of type SSHPOP.
Result<std::string> fetchSshpopProvisionerName(const CaClient& ca);

// POST /ssh/sign with a one-time token; the principals come from the token.
Result<ssh::Certificate> signHostKey(const CaClient& ca, const PublicKey& key, const std::string& ott);
// POST /ssh/renew with an SSHPOP token.
Result<ssh::Certificate> renewHostCertificate(const CaClient& ca, const std::string& sshpop);
// POST /ssh/rekey with an SSHPOP token and the new public key.
Result<ssh::Certificate> rekeyHostCertificate(const CaClient& ca, const std::string& sshpop, const PublicKey& newKey);

}  // namespace sshca::agent
