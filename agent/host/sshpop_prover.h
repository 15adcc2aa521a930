// Proving possession of a host certificate to the CA (SSHPOP, docs/protocol/tokens.md):
// a short-lived JWS signed with the host's private key that carries the
// certificate. Each call mints a fresh token (each is good once).
#pragma once

#include <optional>
#include <string>

#include "agent/ca_client/ca_client.h"
#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

class SshpopProver {
 public:
  SshpopProver(const CaClient& ca, std::string caUrl) : ca_(ca), caUrl_(std::move(caUrl)) {}

  // endpoint: "renew", "rekey" or "revoke". The private key must be the
  // certificate's own (checked here, so a mismatch is a clear local error).
  Result<std::string> token(const std::string& endpoint, const ssh::Certificate& cert,
                            const std::string& privateKeyPath);

 private:
  Result<std::string> provisionerName();

  const CaClient& ca_;
  std::string caUrl_;
  std::optional<std::string> provisioner_;  // learnt once from GET /provisioners
};

}  // namespace sshca::agent
