// Opening SQLite connections to the CA's database, the same way for every
// store: the SSH store's writer (owned by the group committer's thread) and
// reader, and the X.509 store's connection.
#pragma once

#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

// The base of every connection above and of `sshca backup`'s: `flags` as
// sqlite3_open_v2 takes them, a busy timeout (another connection may hold
// the write lock for a batch) and extended result codes.
Result<SqliteDb> openSqliteConnection(const std::string& path, int flags);

// One SQL statement without results (a PRAGMA); the statement names the
// error.
Status execSql(sqlite3* db, const char* sql);

// Creates the file if needed, switches it to WAL with synchronous=FULL
// (a COMMIT returns only after the WAL is fsynced) and migrates it to the
// current schema. Unavailable if it cannot be opened; Unsupported if a
// newer sshca wrote it.
// `threading` is SQLITE_OPEN_NOMUTEX for a connection one thread uses at a
// time, SQLITE_OPEN_FULLMUTEX for one shared between threads.
Result<SqliteDb> openWriterConnection(const std::string& path, int threading = SQLITE_OPEN_NOMUTEX);

// A connection that can only read (PRAGMA query_only), so that a bug
// cannot write around the committer's durability and batching.
Result<SqliteDb> openReaderConnection(const std::string& path);

// A connection for the WalCheckpointer's thread: it copies WAL pages into
// the database file and never runs SQL.
Result<SqliteDb> openCheckpointConnection(const std::string& path);

}  // namespace sshca::store
