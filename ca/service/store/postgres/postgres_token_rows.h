// The SQL behind TokenReplayStore on PostgreSQL: rows of used_tokens, on a
// connection inside the caller's transaction.
#pragma once

#include <cstdint>

#include <libpq-fe.h>

#include "ca/core/common/result.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::store {

// Replayed if (provisioner, tokenId) is there already: the primary key
// refuses the INSERT (SQLSTATE 23505), also when another CA instance
// inserted it a moment ago, so there is no window between check and write.
Status pgInsertUsedToken(PGconn* conn, const TokenUse& use);

// Whether (provisioner, tokenId) is there.
Result<bool> pgSelectUsedToken(PGconn* conn, const std::string& tokenId, const std::string& provisioner);

// Deletes tokens that expired before `now`.
Status pgDeleteExpiredTokens(PGconn* conn, int64_t now);

}  // namespace sshca::store
