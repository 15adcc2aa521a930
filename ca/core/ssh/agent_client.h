// A client for a running ssh-agent (PROTOCOL.agent, draft-miller-ssh-agent)
// over its Unix socket (SSH_AUTH_SOCK). sshca-agent login adds the fresh
// key and certificate to it; pam_sshca lists certificates and asks for a
// signature. Messages are built and parsed in agent_protocol.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ossl.h"
#include "common/result.h"
#include "ssh/ssh_cert.h"

namespace sshca::ssh {

// One key the agent holds: the public key or certificate wire form.
struct AgentIdentity {
  Bytes keyBlob;
  std::string comment;
};

// What SSH2_AGENTC_ADD_ID_CONSTRAINED adds: a private key (Ed25519 or
// ECDSA; RSA too), optionally with its certificate, and a lifetime.
struct AgentKeyToAdd {
  const EVP_PKEY* privateKey = nullptr;      // borrowed
  const Certificate* certificate = nullptr;  // borrowed; nullptr: the plain key
  std::string comment;
  std::optional<uint32_t> lifetimeSeconds;   // SSH_AGENT_CONSTRAIN_LIFETIME
};

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

 private:
  explicit AgentClient(int fd) : fd_(fd) {}
  Result<Bytes> roundTrip(std::span<const uint8_t> request);
  int fd_ = -1;
};

}  // namespace sshca::ssh
