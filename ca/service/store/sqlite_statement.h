// A prepared statement with typed binds and column reads, so store code
// never juggles sqlite3_bind_* indexes and return codes by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/sqlite_handles.h"

namespace sshca::store {

class SqliteStatementCache;

class SqliteStatement {
 public:
  // Takes the statement from the connection's SqliteStatementCache when it
  // has one (returned there, reset, when this object dies).
  static Result<SqliteStatement> prepare(sqlite3* db, std::string_view sql);

  // Binds by 1-based index; errors surface at step().
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bindNull(int index);

  // true: a row is ready; false: done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();

  std::string text(int column) const;
  int64_t integer(int column) const;
  std::optional<int64_t> optionalInteger(int column) const;

 private:
  // Finalizes a statement of our own; hands a cached one back.
  struct Release {
    SqliteStatementCache* cache = nullptr;
    void operator()(sqlite3_stmt* stmt) const;
  };
  using Handle = std::unique_ptr<sqlite3_stmt, Release>;

  SqliteStatement(sqlite3* db, Handle stmt) : db_(db), stmt_(std::move(stmt)) {}
  void noteBind(int rc);
  sqlite3* db_;  // borrowed
  Handle stmt_;
  int bindError_ = SQLITE_OK;
};

}  // namespace sshca::store
