// How much of an HTTP answer the agent reads, and for how long: every
// answer is bounded (agent/ca_client/bounded_response.h). The caller picks
// the limits by what it asks for; the limits per call are in docs/agent.md.
#pragma once

#include <chrono>
#include <cstddef>

namespace sshca::agent {

struct ResponseLimits {
  size_t maxBytes;
  std::chrono::seconds deadline;  // from the request's start to its last body byte
};

// JSON answers of the CA and the identity provider: a few KiB in practice.
inline constexpr ResponseLimits kJsonAnswerLimits{1u << 20, std::chrono::seconds(120)};
// The CA's KRL: 64 MiB holds several million revoked serials.
inline constexpr ResponseLimits kKrlLimits{64u << 20, std::chrono::seconds(600)};

}  // namespace sshca::agent
