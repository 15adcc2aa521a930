// Prepared statements kept for a connection's lifetime, so that the hot
// write path does not parse the same SQL for every certificate (SQLite's
// parser was about 5% of `sshca serve`'s CPU under load).
//
// Only a connection that one thread uses at a time may have a cache (the
// group committer's write connection): a cached statement is then never
// stepped by two threads at once. The owner hands it to store code with
// the connection (SqliteConn), and SqliteStatement::prepare draws on it.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

class SqliteStatementCache {
 public:
  // Statements of `db`; the cache must be destroyed before `db` closes
  // (its destructor finalizes every statement).
  explicit SqliteStatementCache(sqlite3* db);
  SqliteStatementCache(const SqliteStatementCache&) = delete;
  SqliteStatementCache& operator=(const SqliteStatementCache&) = delete;

  // A prepared statement for `sql` that nobody else holds, or nullptr: the
  // caller then prepares its own (same SQL in use twice, cache full, or a
  // preparation error that the caller's own prepare will report).
  sqlite3_stmt* acquire(std::string_view sql);
  // Resets the statement and clears its bindings for the next holder.
  void release(sqlite3_stmt* stmt);

 private:
  // Statements with a principal count in their SQL vary; a bound keeps a
  // caller with unusual SQL from growing the cache without end.
  static constexpr size_t kMaxStatements = 64;

  struct Entry {
    SqliteStmt stmt;
    bool inUse = false;
  };

  sqlite3* db_;  // borrowed
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<sqlite3_stmt*, Entry*> byStatement_;
};

}  // namespace sshca::store
