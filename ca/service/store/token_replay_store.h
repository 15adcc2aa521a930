// One-time tokens: a token ID is accepted once per provisioner (per issuer
// for OIDC ID tokens: Identity::tokenScope goes into `provisioner`). The
// database's primary key decides (the INSERT failing is the check), so two
// requests with the same token cannot both pass, not even on two CA
// instances sharing one PostgreSQL database.
#pragma once

#include <cstdint>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::store {

// One use of a one-time token: its jti, the provisioner that verified it,
// its exp, and when it was used.
struct TokenUse {
  std::string tokenId;
  std::string provisioner;
  int64_t expiresAt = 0;
  int64_t now = 0;
};

class TokenReplayStore {
 public:
  virtual ~TokenReplayStore() = default;

  // Records the token as used. Replayed if it was used before.
  virtual Status useToken(const std::string& tokenId, const std::string& provisioner, int64_t expiresAt,
                          int64_t now) = 0;

  // Whether the token was used already: a read, so that a replayed token is
  // refused before anything is signed for it. Only a hint: the INSERT of
  // its use (useToken, recordIssued, ...) stays what decides, so two
  // requests racing with one token still cannot both pass.
  virtual Result<bool> tokenUsed(const std::string& tokenId, const std::string& provisioner) = 0;

  // Forgets tokens whose expiresAt is before `now`. expiresAt must be the
  // last moment the verifier accepts the token (exp plus its leeway), or a
  // token still accepted could be replayed after pruning.
  virtual Status pruneExpired(int64_t now) = 0;
};

}  // namespace sshca::store
