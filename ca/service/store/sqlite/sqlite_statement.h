// A prepared statement with typed binds and column reads, so store code
// never juggles sqlite3_bind_* indexes and return codes by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

class SqliteStatementCache;

// A connection as statements see it: the handle, and its statement cache
// when it has one (only the group committer's write connection, which one
// thread uses). Converts both ways with sqlite3*, so reader code passes a
// bare handle and row functions hand it on to the sqlite3_* calls.
class SqliteConn {
 public:
  SqliteConn(sqlite3* handle, SqliteStatementCache* cache = nullptr)  // NOLINT(google-explicit-constructor)
      : handle_(handle), cache_(cache) {}
  operator sqlite3*() const { return handle_; }  // NOLINT(google-explicit-constructor)
  SqliteStatementCache* cache() const { return cache_; }

 private:
  sqlite3* handle_;              // borrowed
  SqliteStatementCache* cache_;  // borrowed, may be null
};

class SqliteStatement {
 public:
  // Takes the statement from the connection's cache when it has one
  // (returned there, reset, when this object dies).
  static Result<SqliteStatement> prepare(SqliteConn db, std::string_view sql);

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
  std::optional<std::string> optionalText(int column) const;

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
