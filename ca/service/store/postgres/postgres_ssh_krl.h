// The KRL version counter on PostgreSQL: one row in krl_state, bumped
// inside the caller's transaction. Concurrent bumps from several instances
// queue on the row lock: each gets its own value, none is handed out twice.
#pragma once

#include <cstdint>

#include <libpq-fe.h>

#include "ca/core/common/result.h"

namespace sshca::store {

// 1 the first time, then the previous value + 1.
Result<uint64_t> pgBumpKrlVersion(PGconn* conn);
// The current version; 0 when nothing was ever revoked.
Result<uint64_t> pgSelectKrlVersion(PGconn* conn);
// Raises the version to at least `version` (copying a CA's records over).
Status pgRaiseKrlVersion(PGconn* conn, uint64_t version);

}  // namespace sshca::store
