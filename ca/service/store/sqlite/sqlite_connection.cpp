#include "ca/service/store/sqlite/sqlite_connection.h"

#include <string>

#include "ca/service/store/sqlite/sqlite_migrations.h"
#include "ca/service/store/sqlite/wal_checkpointer.h"
#include "ca/service/store/sqlite/wal_write_gather.h"

namespace sshca::store {

namespace {

// Another CA process may hold the write lock for a batch; wait for it.
constexpr int kBusyTimeoutMs = 10000;
constexpr int kCheckpointBusyTimeoutMs = 100;

}  // namespace

Result<SqliteDb> openSqliteConnection(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, walWriteGatherVfs());
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return sqliteError(db.get(), rc, "opening " + path);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  sqlite3_extended_result_codes(db.get(), 1);
  return db;
}

Status execSql(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db, rc, sql);
  return okStatus();
}

Result<SqliteDb> openWriterConnection(const std::string& path, int threading) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db,
                         openSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | threading));
  SSHCA_RETURN_IF_ERROR(execSql(db.get(), "PRAGMA journal_mode = WAL"));
  // A certificate handed out must survive a power cut: fsync on COMMIT.
  SSHCA_RETURN_IF_ERROR(execSql(db.get(), "PRAGMA synchronous = FULL"));
  SSHCA_RETURN_IF_ERROR(execSql(db.get(), "PRAGMA foreign_keys = ON"));
  // The WAL file is reused, not shrunk: whatever size it once reached (a
  // burst, a RESTART that waited behind a long batch, crash rounds that
  // left a grown WAL to recover) it would keep. SQLite truncates it to this
  // limit each time the log starts over: the WalCheckpointer's 64 MiB.
  const std::string sizeLimit = std::to_string(WalCheckpointer::kDefaultSizeLimitBytes);
  SSHCA_RETURN_IF_ERROR(execSql(db.get(), ("PRAGMA journal_size_limit = " + sizeLimit).c_str()));
  SSHCA_RETURN_IF_ERROR(migrate(db.get()));
  return db;
}

// NOMUTEX: the reader is used under the store's mutex, one thread at a time,
// so SQLite's own per-call locking would be pure cost.
Result<SqliteDb> openReaderConnection(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db, openSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX));
  SSHCA_RETURN_IF_ERROR(execSql(db.get(), "PRAGMA query_only = ON"));
  return db;
}

// A RESTART holds the group commit back (restart_barrier.h) while it
// waits for the write lock and for readers; only another process can make
// it wait then (`sshca revoke`, a long listing), so it gives up soon and
// tries again at the next tick rather than hold every commit for seconds.
Result<SqliteDb> openCheckpointConnection(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db, openSqliteConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX));
  sqlite3_busy_timeout(db.get(), kCheckpointBusyTimeoutMs);
  return db;
}

}  // namespace sshca::store
