// The KRL version counter on SQLite: one row in krl_state (schema version
// 2), bumped inside the caller's transaction.
#pragma once

#include <sqlite3.h>

#include <cstdint>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

// 1 the first time, then the previous value + 1.
Result<uint64_t> bumpKrlVersion(SqliteConn db);
// The current version; 0 when nothing was ever revoked.
Result<uint64_t> selectKrlVersion(SqliteConn db);

}  // namespace sshca::store
