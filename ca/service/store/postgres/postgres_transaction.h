// Running work on a pooled PostgreSQL connection: reads, and writes inside
// BEGIN ... COMMIT. A connection found broken before anything was sent
// (the server restarted while it sat idle in the pool) is replaced and the
// work tried once more; once a write may have reached the server it is
// never retried (its outcome would be unknown, and a retry could report a
// token of ours as replayed).
#pragma once

#include <functional>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/service/store/postgres/postgres_pool.h"

namespace sshca::store {

using PgWork = std::function<Status(PGconn*)>;

// BEGIN, `work`, COMMIT; ROLLBACK if `work` fails (its error is returned).
// The default READ COMMITTED isolation: every statement that must see a
// concurrent writer's result relies on a constraint or a row lock instead.
Status pgTransaction(PostgresPool& pool, const PgWork& work, std::string_view what);

// The same on a connection the caller holds.
Status pgTransactionOn(PGconn* conn, const PgWork& work, std::string_view what);

// Reads (idempotent, so tried again on a fresh connection if the first one
// turns out dead), outside an explicit transaction. Never for writes.
Status pgRead(PostgresPool& pool, const PgWork& work);

}  // namespace sshca::store
