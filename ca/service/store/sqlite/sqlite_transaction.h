// A write transaction that rolls back unless committed. BEGIN IMMEDIATE
// takes the write lock up front, so two CA processes serialize on it
// instead of failing half-way with SQLITE_BUSY on the upgrade.
#pragma once

#include <sqlite3.h>

#include "ca/core/common/result.h"

namespace sshca::store {

class SqliteTransaction {
 public:
  static Result<SqliteTransaction> begin(sqlite3* db);
  SqliteTransaction(SqliteTransaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status commit();

 private:
  explicit SqliteTransaction(sqlite3* db) : db_(db) {}
  sqlite3* db_;  // borrowed; null once committed or rolled back
};

}  // namespace sshca::store
