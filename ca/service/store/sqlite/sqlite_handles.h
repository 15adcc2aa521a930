// RAII for SQLite's C handles, and the error conversion for its result
// codes. No sqlite3_close / sqlite3_finalize call appears anywhere else.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::store {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
struct SqliteBackupFinisher {
  void operator()(sqlite3_backup* b) const { sqlite3_backup_finish(b); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;
using SqliteBackup = std::unique_ptr<sqlite3_backup, SqliteBackupFinisher>;

// Busy/locked and I/O problems are Unavailable (try again later); a
// violated UNIQUE constraint is AlreadyExists; the rest Internal.
inline Error sqliteError(sqlite3* db, int rc, std::string_view what) {
  ErrorCode code = ErrorCode::Internal;
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN ||
      primary == SQLITE_FULL || primary == SQLITE_READONLY)
    code = ErrorCode::Unavailable;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) code = ErrorCode::AlreadyExists;
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return makeError(code, "database: " + std::string(what) + ": " + detail);
}

}  // namespace sshca::store
