// The ssh-agent protocol's messages (draft-miller-ssh-agent, which
// PROTOCOL.agent in openssh-portable points to): building requests and
// parsing replies, without any socket. A message here is the type byte and
// its contents; the uint32 length prefix (the framing) is the client's.
// Every reply parser is strict and bounded: it is fed bytes from a peer we
// do not trust (a forwarded agent) and is fuzzed (tests/fuzz).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::ssh {

namespace agent {
// Message numbers (draft-miller-ssh-agent §5.1).
inline constexpr uint8_t kFailure = 5;             // SSH_AGENT_FAILURE
inline constexpr uint8_t kSuccess = 6;             // SSH_AGENT_SUCCESS
inline constexpr uint8_t kRequestIdentities = 11;  // SSH_AGENTC_REQUEST_IDENTITIES
inline constexpr uint8_t kIdentitiesAnswer = 12;   // SSH_AGENT_IDENTITIES_ANSWER
inline constexpr uint8_t kSignRequest = 13;        // SSH_AGENTC_SIGN_REQUEST
inline constexpr uint8_t kSignResponse = 14;       // SSH_AGENT_SIGN_RESPONSE
inline constexpr uint8_t kAddIdentity = 17;        // SSH_AGENTC_ADD_IDENTITY
inline constexpr uint8_t kRemoveIdentity = 18;     // SSH_AGENTC_REMOVE_IDENTITY
inline constexpr uint8_t kAddIdConstrained = 25;   // SSH_AGENTC_ADD_ID_CONSTRAINED
inline constexpr uint8_t kExtensionFailure = 28;   // SSH_AGENT_EXTENSION_FAILURE
// Key constraint (§5.2) and signature flags (§5.3).
inline constexpr uint8_t kConstrainLifetime = 1;  // SSH_AGENT_CONSTRAIN_LIFETIME
inline constexpr uint32_t kRsaSha2_256 = 2;       // SSH_AGENT_RSA_SHA2_256
inline constexpr uint32_t kRsaSha2_512 = 4;       // SSH_AGENT_RSA_SHA2_512
// Largest message either way: OpenSSH's agent refuses more (AGENT_MAX_LEN),
// and a hostile agent must not make us allocate more.
inline constexpr size_t kMaxMessageLen = 256 * 1024;
// Identities in one answer (OpenSSH's client stops at 2048 as well).
inline constexpr size_t kMaxIdentities = 2048;
}  // namespace agent

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
  std::optional<uint32_t> lifetimeSeconds;  // SSH_AGENT_CONSTRAIN_LIFETIME
};

// ---- requests ----

Bytes encodeRequestIdentities();
// `flags`: agent::kRsaSha2_512 etc. (signFlagsFor).
Bytes encodeSignRequest(std::span<const uint8_t> keyBlob, std::span<const uint8_t> data, uint32_t flags);
Bytes encodeRemoveIdentity(std::span<const uint8_t> keyBlob);
// SSH2_AGENTC_ADD_IDENTITY, or ADD_ID_CONSTRAINED with a lifetime. Holds the
// private key, hence SecretBytes. InvalidArgument when the certificate is
// for another key or the lifetime is 0.
Result<SecretBytes> encodeAddIdentity(const AgentKeyToAdd& key);
// The key part of an add request (§4.2.3-4.2.6): string type, then the
// private key fields of the plain or the -cert-v01@openssh.com form.
Result<SecretBytes> encodeAgentPrivateKey(const EVP_PKEY* privateKey, const Certificate* certificate);

// ---- replies ----

Result<std::vector<AgentIdentity>> parseIdentitiesAnswer(std::span<const uint8_t> message);
// The signature blob of SSH2_AGENT_SIGN_RESPONSE (not verified).
Result<Bytes> parseSignResponse(std::span<const uint8_t> message);
// SSH_AGENT_SUCCESS, or an error naming `request` when the agent refused.
// `refusal` is the code a refusal gets (it depends on the request).
Status parseSuccess(std::span<const uint8_t> message, std::string_view request, ErrorCode refusal);

// ---- helpers ----

// The key type name at the start of a key blob ("ssh-ed25519", ...).
Result<std::string> keyBlobType(std::span<const uint8_t> keyBlob);
// agent::kRsaSha2_512 for ssh-rsa keys and certificates, else 0.
uint32_t signFlagsFor(std::span<const uint8_t> keyBlob);
// The signature algorithm a reply must carry for a key type: rsa-sha2-512
// for RSA (never SHA-1 ssh-rsa), the plain type for Ed25519 and ECDSA,
// std::nullopt for types sshca does not know (the caller verifies those).
std::optional<std::string> expectedSignatureAlgorithm(std::string_view keyType);

}  // namespace sshca::ssh
