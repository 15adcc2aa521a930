// The schema of the CA's SQLite database, as an ordered list of migrations.
// PRAGMA user_version holds how many have been applied; each runs in its own
// transaction together with the version bump, so a crash leaves the
// database at a whole version. Append new migrations; never edit old ones.
#pragma once

#include <sqlite3.h>

#include "ca/core/common/result.h"

namespace sshca::store {

// The schema version this build writes and understands.
int latestSchemaVersion();

// The version the database is at (PRAGMA user_version; 0 when new).
Result<int> schemaVersion(sqlite3* db);

// Brings the database up to latestSchemaVersion(). Unsupported if it was
// written by a newer sshca (higher user_version).
Status migrate(sqlite3* db);

}  // namespace sshca::store
