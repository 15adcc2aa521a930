#include "ca/service/store/sqlite/sqlite_statement.h"

#include "ca/service/store/sqlite/sqlite_statement_cache.h"

namespace sshca::store {

void SqliteStatement::Release::operator()(sqlite3_stmt* stmt) const {
  if (cache)
    cache->release(stmt);
  else
    SqliteFinalizer{}(stmt);
}

Result<SqliteStatement> SqliteStatement::prepare(SqliteConn db, std::string_view sql) {
  if (SqliteStatementCache* cache = db.cache()) {
    if (sqlite3_stmt* cached = cache->acquire(sql)) return SqliteStatement(db, Handle(cached, Release{cache}));
  }
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  Handle stmt(raw, Release{});
  if (rc != SQLITE_OK) return sqliteError(db, rc, "preparing a statement");
  return SqliteStatement(db, std::move(stmt));
}

void SqliteStatement::noteBind(int rc) {
  if (rc != SQLITE_OK && bindError_ == SQLITE_OK) bindError_ = rc;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  noteBind(sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  noteBind(sqlite3_bind_int64(stmt_.get(), index, value));
  return *this;
}

SqliteStatement& SqliteStatement::bindNull(int index) {
  noteBind(sqlite3_bind_null(stmt_.get(), index));
  return *this;
}

Result<bool> SqliteStatement::step() {
  if (bindError_ != SQLITE_OK) return sqliteError(db_, bindError_, "binding a value");
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqliteError(db_, sqlite3_extended_errcode(db_), "running a statement");
}

Status SqliteStatement::run() {
  SSHCA_ASSIGN_OR_RETURN(bool row, step());
  (void)row;
  return okStatus();
}

std::string SqliteStatement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), column)))
           : std::string();
}

int64_t SqliteStatement::integer(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::optional<int64_t> SqliteStatement::optionalInteger(int column) const {
  if (sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL) return std::nullopt;
  return integer(column);
}

std::optional<std::string> SqliteStatement::optionalText(int column) const {
  if (sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL) return std::nullopt;
  return text(column);
}

}  // namespace sshca::store
