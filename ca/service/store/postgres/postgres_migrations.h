// The schema of the CA's PostgreSQL database, as an ordered list of
// migrations applied at start. The table schema_version holds one row per
// applied migration. All pending migrations run in one transaction that
// first takes an advisory lock, so two CA instances starting together
// never both migrate: the second waits, then finds the work done.
// Append new migrations; never edit old ones.
#pragma once

#include <libpq-fe.h>

#include "ca/core/common/result.h"

namespace sshca::store {

// The schema version this build writes and understands.
int latestPostgresSchemaVersion();

// Brings the database up to latestPostgresSchemaVersion(). Unsupported if
// a newer sshca migrated it further.
Status migratePostgres(PGconn* conn);

}  // namespace sshca::store
