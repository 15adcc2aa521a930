// Proof that whoever answers on the agent socket holds the private key of
// a certificate: the agent signs a fresh random challenge, wrapped as an
// SSHSIG message (PROTOCOL.sshsig) in namespace "sshca-pam" so that the
// signature can never be replayed as an SSH login or a signature of any
// other kind, and we verify it with the certificate's public key.
#pragma once

#include <functional>
#include <span>

#include "ca/core/common/bytes.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::pam {

inline constexpr size_t kChallengeBytes = 32;

// What the agent does (AgentClient::sign): sign `data` with the key
// named by `keyBlob` and return the SSH signature blob.
using AgentSignFn = std::function<Result<Bytes>(std::span<const uint8_t> keyBlob, std::span<const uint8_t> data)>;

// Unauthenticated when the signature is missing, malformed or not by the
// certificate's key.
Status provePossession(const AgentSignFn& sign, const ssh::Certificate& cert, RandomSource& rng);

}  // namespace sshca::pam
