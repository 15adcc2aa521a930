// The SQL behind TokenReplayStore on SQLite: rows of used_tokens (schema
// version 2), on a connection inside the caller's transaction.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::store {

// Replayed if (provisioner, tokenId) is there already: the primary key
// refuses the INSERT, so there is no window between a check and a write.
Status insertUsedTokenRow(SqliteConn db, const TokenUse& use);

// Whether (provisioner, tokenId) is there.
Result<bool> selectUsedTokenRow(SqliteConn db, const std::string& tokenId, const std::string& provisioner);

// Deletes tokens that expired before `now`.
Status deleteExpiredTokenRows(SqliteConn db, int64_t now);

// Every used token expiring at or after `expiresFrom`, one at a time (for
// `sshca db migrate`). Stops at the first error `visit` returns.
using TokenUseVisitor = std::function<Status(const TokenUse&)>;
Status forEachUsedTokenRow(SqliteConn db, int64_t expiresFrom, const TokenUseVisitor& visit);

}  // namespace sshca::store
