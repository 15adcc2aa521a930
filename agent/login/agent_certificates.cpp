#include "agent/login/agent_certificates.h"

#include <algorithm>

#include "ca/core/common/utc_time.h"
#include "ca/core/ssh/ssh_agent_client.h"

namespace sshca::agent {
namespace {

Result<ssh::AgentClient> connectAgent(const std::string& socketPath) {
  if (socketPath.empty()) return makeError(ErrorCode::Unavailable, "no ssh-agent: SSH_AUTH_SOCK is not set");
  return ssh::AgentClient::connect(socketPath);
}

bool signedByOneOf(const ssh::Certificate& cert, const std::vector<PublicKey>& keys) {
  return std::any_of(keys.begin(), keys.end(), [&cert](const PublicKey& k) { return k == cert.signatureKey; });
}

std::string remaining(int64_t seconds) {
  if (seconds <= 0) return "expired";
  int64_t h = seconds / 3600, m = (seconds % 3600) / 60;
  return "in " + (h ? std::to_string(h) + "h" : "") + std::to_string(m) + "m";
}

Result<std::vector<AgentCertificate>> sshcaCertificatesIn(ssh::AgentClient& agent,
                                                          const std::vector<PublicKey>& userCaKeys) {
  SSHCA_ASSIGN_OR_RETURN(auto ids, agent.listIdentities());
  std::vector<AgentCertificate> out;
  for (auto& id : ids) {
    auto cert = ssh::parseCertificate(id.keyBlob);  // plain keys and foreign formats are skipped
    if (!cert.ok() || cert->type != ssh::CertType::User || !signedByOneOf(*cert, userCaKeys)) continue;
    out.push_back({std::move(id.keyBlob), std::move(cert).value()});
  }
  return out;
}

}  // namespace

Result<std::vector<AgentCertificate>> sshcaCertificatesInAgent(const std::string& socketPath,
                                                               const std::vector<PublicKey>& userCaKeys) {
  SSHCA_ASSIGN_OR_RETURN(ssh::AgentClient agent, connectAgent(socketPath));
  return sshcaCertificatesIn(agent, userCaKeys);
}

Result<int> removeSshcaCertificates(const std::string& socketPath, const std::vector<PublicKey>& userCaKeys) {
  SSHCA_ASSIGN_OR_RETURN(ssh::AgentClient agent, connectAgent(socketPath));
  SSHCA_ASSIGN_OR_RETURN(auto certs, sshcaCertificatesIn(agent, userCaKeys));
  for (const auto& c : certs) SSHCA_RETURN_IF_ERROR(agent.remove(c.keyBlob));
  return static_cast<int>(certs.size());
}

std::string describeCertificate(const ssh::Certificate& cert, int64_t now) {
  std::string principals;
  for (const auto& p : cert.principals) principals += (principals.empty() ? "" : ",") + p;
  return cert.keyId + "  serial " + std::to_string(cert.serial) + "  principals " + principals + "  expires " +
         formatUtc(static_cast<int64_t>(cert.validBefore)) + " (" +
         remaining(static_cast<int64_t>(cert.validBefore) - now) + ")";
}

}  // namespace sshca::agent
