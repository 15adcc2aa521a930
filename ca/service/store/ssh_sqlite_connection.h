// Opening the SQLite connections of the SSH store: one writer (owned by
// the group committer's thread) and one reader, on the same database file
// as the X.509 store.
#pragma once

#include <string>

#include "common/result.h"
#include "store/sqlite_handles.h"

namespace sshca::store {

// Creates the file if needed, switches it to WAL with synchronous=FULL
// (a COMMIT returns only after the WAL is fsynced) and migrates it to the
// current schema. Unavailable if it cannot be opened; Unsupported if a
// newer sshca wrote it.
Result<SqliteDb> openSshWriterConnection(const std::string& path);

// A connection that can only read (PRAGMA query_only), so that a bug
// cannot write around the committer's durability and batching.
Result<SqliteDb> openSshReaderConnection(const std::string& path);

}  // namespace sshca::store
