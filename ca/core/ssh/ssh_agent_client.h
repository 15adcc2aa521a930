// A client for a running ssh-agent (PROTOCOL.agent, draft-miller-ssh-agent)
// over its Unix socket (SSH_AUTH_SOCK). sshca-agent login adds the fresh
// key and certificate to it; pam_sshca lists certificates and asks for a
// signature. Messages are built and parsed in ssh_agent_protocol.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_agent_protocol.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::ssh {

// AgentIdentity and AgentKeyToAdd are declared in ssh_agent_protocol.h.

class AgentClient {
 public:
  // Connects to the socket; Unavailable when nothing listens there.
  static Result<AgentClient> connect(const std::string& socketPath);
  // From an already connected socket (pam_sshca connects itself after
  // checking the peer); takes ownership of fd.
  static AgentClient fromFd(int fd);

  AgentClient(AgentClient&&) noexcept;
  AgentClient& operator=(AgentClient&&) noexcept;
  ~AgentClient();

  Result<std::vector<AgentIdentity>> listIdentities();
  // SSH2_AGENTC_SIGN_REQUEST; returns the SSH signature blob. For RSA keys
  // asks for rsa-sha2-512. `keyBlob` may be a certificate.
  Result<Bytes> sign(std::span<const uint8_t> keyBlob, std::span<const uint8_t> data);
  Status add(const AgentKeyToAdd& key);
  Status remove(std::span<const uint8_t> keyBlob);

  // How long one request may wait for the agent (default 60 s; an agent
  // may ask its user to confirm a signature). A silent agent then gives
  // Unavailable instead of hanging sudo or a login.
  Status setTimeout(std::chrono::seconds timeout);

 private:
  explicit AgentClient(int fd) : fd_(fd) {}
  Result<Bytes> roundTrip(std::span<const uint8_t> request);
  Result<Bytes> exchange(std::span<const uint8_t> request);
  void closeFd();
  int fd_ = -1;
};

}  // namespace sshca::ssh
