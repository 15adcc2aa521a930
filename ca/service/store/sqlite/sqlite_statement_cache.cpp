#include "ca/service/store/sqlite/sqlite_statement_cache.h"

namespace sshca::store {
SqliteStatementCache::SqliteStatementCache(sqlite3* db) : db_(db) {}

sqlite3_stmt* SqliteStatementCache::acquire(std::string_view sql) {
  auto it = entries_.find(std::string(sql));
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxStatements) return nullptr;
    sqlite3_stmt* raw = nullptr;
    int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    SqliteStmt stmt(raw);
    if (rc != SQLITE_OK || !stmt) return nullptr;
    it = entries_.emplace(std::string(sql), Entry{std::move(stmt), false}).first;
    byStatement_[it->second.stmt.get()] = &it->second;
  }
  if (it->second.inUse) return nullptr;
  it->second.inUse = true;
  return it->second.stmt.get();
}

void SqliteStatementCache::release(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (auto it = byStatement_.find(stmt); it != byStatement_.end()) it->second->inUse = false;
}

}  // namespace sshca::store
