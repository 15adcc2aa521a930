#include "agent/login/user_login.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/common/file_io.h"
#include "ca/core/keys/key_generation.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/openssh_private_key.h"
#include "ca/core/ssh/ssh_agent_client.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

std::string signRequestBody(const PublicKey& pub, const std::string& idToken) {
  return nlohmann::json{
      {"publicKey", base64Encode(ssh::encodePublicKeyWire(pub))}, {"ott", idToken}, {"certType", "user"}}
      .dump();
}

Result<ssh::Certificate> certificateFrom(const std::string& body, const PublicKey& pub) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("crt") || !j["crt"].is_string())
    return makeError(ErrorCode::Unavailable, "POST /ssh/sign: the CA's answer has no certificate");
  SSHCA_ASSIGN_OR_RETURN(Bytes wire, base64Decode(j["crt"].get<std::string>()));
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate cert, ssh::parseCertificate(wire));
  if (!(cert.key == pub)) return makeError(ErrorCode::CryptoFailure, "the CA certified another key than ours");
  if (cert.type != ssh::CertType::User)
    return makeError(ErrorCode::CryptoFailure, "the CA returned a host certificate");
  return cert;
}

}  // namespace

Result<UserCertificate> requestUserCertificate(const CaClient& ca, const std::string& idToken, const KeySpec& spec) {
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey key, generatePrivateKey(spec));
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key.get()));
  SSHCA_ASSIGN_OR_RETURN(std::string body, ca.postJson("/ssh/sign", signRequestBody(pub, idToken)));
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate cert, certificateFrom(body, pub));
  return UserCertificate{std::move(key), std::move(cert)};
}

Status checkAgentReachable(const std::string& socketPath) {
  if (socketPath.empty())
    return makeError(ErrorCode::Unavailable,
                     "no ssh-agent: SSH_AUTH_SOCK is not set (start one with "
                     "`eval $(ssh-agent)`, or pass --write PATH for key files)");
  SSHCA_ASSIGN_OR_RETURN(ssh::AgentClient agent, ssh::AgentClient::connect(socketPath));
  SSHCA_ASSIGN_OR_RETURN(auto ids, agent.listIdentities());
  (void)ids;
  return okStatus();
}

Status addToAgent(const std::string& socketPath, const UserCertificate& user, int64_t now) {
  const auto& cert = user.certificate;
  if (cert.validBefore <= static_cast<uint64_t>(std::max<int64_t>(now, 0)))
    return makeError(ErrorCode::InvalidArgument, "the certificate has already expired");
  uint64_t left = cert.validBefore - static_cast<uint64_t>(now);
  uint32_t lifetime = static_cast<uint32_t>(std::min<uint64_t>(left, std::numeric_limits<uint32_t>::max()));
  SSHCA_ASSIGN_OR_RETURN(ssh::AgentClient agent, ssh::AgentClient::connect(socketPath));
  return agent.add({user.key.get(), &cert, "sshca:" + cert.keyId, lifetime});
}

Status checkKeyPathFree(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return okStatus();
  auto pub = readFile(path + ".pub");
  if (pub.ok()) {
    auto line = ssh::parsePublicKeyLine(pub->substr(0, pub->find('\n')));
    if (line.ok() && line->comment.starts_with("sshca:")) return okStatus();
  }
  return makeError(ErrorCode::AlreadyExists, "--write " + path +
                                                 ": a key that sshca-agent did not write is there (its .pub has no "
                                                 "\"sshca:\" comment); not replacing it: choose another path");
}

Status writeUserKeyFiles(const std::string& path, const UserCertificate& user) {
  const auto& cert = user.certificate;
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pem, ssh::formatOpenSshPrivateKey(user.key.get(), "sshca:" + cert.keyId));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(path, pem.view(), 0600));
  SSHCA_RETURN_IF_ERROR(
      writeFileAtomic(path + ".pub", ssh::formatPublicKeyLine(cert.key, "sshca:" + cert.keyId) + "\n"));
  return writeFileAtomic(path + "-cert.pub", ssh::formatCertificateLine(cert, "sshca:" + cert.keyId) + "\n");
}

}  // namespace sshca::agent
