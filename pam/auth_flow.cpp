#include "pam/auth_flow.h"

#include <chrono>
#include <ctime>

#include "ca/core/common/random.h"
#include "ca/core/ssh/ssh_agent_client.h"
#include "pam/agent_socket.h"
#include "pam/cert_selection.h"
#include "pam/possession_proof.h"
#include "pam/trust_files.h"
#include "pam/user_account.h"

namespace sshca::pam {

Result<std::vector<std::string>> acceptedPrincipals(const ModuleArgs& args, const UserAccount& user) {
  if (args.authorizedPrincipalsFile) {
    SSHCA_ASSIGN_OR_RETURN(auto path, expandUserTokens(*args.authorizedPrincipalsFile, user.name));
    auto list = loadPrincipals(path);
    if (!list.ok()) return std::move(list).error().context("authorized_principals_file");
    return list;
  }
  SSHCA_ASSIGN_OR_RETURN(auto principal, expandUserTokens(args.principal, user.name));
  return std::vector<std::string>{principal};
}

namespace {

Status checkGroup(const ModuleArgs& args, const UserAccount& user) {
  if (!args.group) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(bool member, isMemberOf(user, *args.group));
  if (!member) return makeError(ErrorCode::PermissionDenied, user.name + " is not a member of group " + *args.group);
  return okStatus();
}

Result<TrustAnchors> loadTrust(const ModuleArgs& args) {
  TrustAnchors trust;
  SSHCA_ASSIGN_OR_RETURN(trust.caKeys, loadCaKeys(args.caFile));
  if (args.krlFile) { SSHCA_ASSIGN_OR_RETURN(trust.krl, loadKrl(*args.krlFile)); }
  return trust;
}

Result<ssh::AgentClient> openAgent(const ModuleArgs& args, const AuthRequest& req, const UserAccount& user) {
  if (!req.agentSocket || req.agentSocket->empty())
    return makeError(ErrorCode::NotFound,
                     "SSH_AUTH_SOCK is not set (no forwarded agent; sudo keeps it only with "
                     "'Defaults env_keep += SSH_AUTH_SOCK')");
  SSHCA_ASSIGN_OR_RETURN(auto fd, connectUserAgent(*req.agentSocket, user, args.agentTimeoutSeconds));
  auto agent = ssh::AgentClient::fromFd(fd.release());
  SSHCA_RETURN_IF_ERROR(agent.setTimeout(std::chrono::seconds(args.agentTimeoutSeconds)));
  return agent;
}

Result<ssh::Certificate> proveOne(ssh::AgentClient& agent, const Selection& selection, const AuditLog& log) {
  const AgentSignFn sign = [&agent](std::span<const uint8_t> key, std::span<const uint8_t> data) {
    return agent.sign(key, data);
  };
  for (const auto& cert : selection.qualified) {
    auto proof = provePossession(sign, cert, systemRandom());
    if (proof.ok()) return cert;
    log.notice("certificate '" + cert.keyId + "' (serial " + std::to_string(cert.serial) +
               "): " + proof.error().message);
  }
  return makeError(ErrorCode::Unauthenticated, "the agent proved possession of no qualifying certificate");
}

}  // namespace

Result<ssh::Certificate> authenticateByAgent(const ModuleArgs& args, const AuthRequest& req, const AuditLog& log) {
  SSHCA_ASSIGN_OR_RETURN(auto user, lookupUser(req.user));
  SSHCA_RETURN_IF_ERROR(checkGroup(args, user));
  SSHCA_ASSIGN_OR_RETURN(auto trust, loadTrust(args));
  SelectionContext ctx;
  SSHCA_ASSIGN_OR_RETURN(ctx.acceptedPrincipals, acceptedPrincipals(args, user));
  ctx.now = static_cast<uint64_t>(std::time(nullptr));
  ctx.remoteAddress = req.remoteHost;

  SSHCA_ASSIGN_OR_RETURN(auto agent, openAgent(args, req, user));
  SSHCA_ASSIGN_OR_RETURN(auto identities, agent.listIdentities());
  std::vector<Bytes> blobs;
  for (auto& id : identities) blobs.push_back(std::move(id.keyBlob));
  const Selection selection = selectCertificates(blobs, trust, ctx);
  for (const auto& why : selection.rejections) log.info("not using " + why);
  log.debug("agent holds " + std::to_string(blobs.size()) + " keys, " + std::to_string(selection.qualified.size()) +
            " qualifying certificates");
  if (selection.qualified.empty())
    return makeError(ErrorCode::Unauthenticated,
                     selection.rejections.empty()
                         ? "the agent holds no certificate"
                         : "no certificate in the agent qualifies (" + selection.rejections.front() + ")");
  return proveOne(agent, selection, log);
}

}  // namespace sshca::pam
