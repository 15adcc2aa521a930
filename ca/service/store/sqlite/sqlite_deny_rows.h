// The SQL behind DenyListStore on SQLite: rows of denied_identities (schema
// version 4). Each function runs on a connection the caller provides,
// inside the caller's transaction for writes.
#pragma once

#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/denied_identity.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

Status insertDeniedRow(SqliteConn db, const DeniedIdentity& denied);
Status deleteDeniedRow(SqliteConn db, const DenyKey& key);
Result<std::vector<DeniedIdentity>> selectDeniedRows(SqliteConn db);
Result<std::vector<DeniedIdentity>> selectDeniedRowsAmong(SqliteConn db, const std::vector<DenyKey>& keys);

}  // namespace sshca::store
