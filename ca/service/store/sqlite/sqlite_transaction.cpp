#include "ca/service/store/sqlite/sqlite_transaction.h"

#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

Result<SqliteTransaction> SqliteTransaction::begin(sqlite3* db) {
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db, rc, "BEGIN");
  return SqliteTransaction(db);
}

SqliteTransaction::~SqliteTransaction() {
  if (db_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqliteTransaction::commit() {
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db_, rc, "COMMIT");
  db_ = nullptr;
  return okStatus();
}

}  // namespace sshca::store
