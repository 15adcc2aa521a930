// The SQL behind DenyListStore on PostgreSQL: rows of denied_identities
// (schema version 3). Each function runs on a connection the caller
// provides, inside the caller's transaction for writes.
#pragma once

#include <vector>

#include <libpq-fe.h>

#include "ca/core/common/result.h"
#include "ca/service/store/denied_identity.h"

namespace sshca::store {

Status pgInsertDenied(PGconn* conn, const DeniedIdentity& denied);
Status pgDeleteDenied(PGconn* conn, const DenyKey& key);
Result<std::vector<DeniedIdentity>> pgSelectDenied(PGconn* conn);
Result<std::vector<DeniedIdentity>> pgSelectDeniedAmong(PGconn* conn, const std::vector<DenyKey>& keys);

}  // namespace sshca::store
