#include "ca/service/store/sqlite/sqlite_deny_rows.h"

#include <string>

#include "ca/service/store/sqlite/sqlite_handles.h"

namespace sshca::store {

namespace {

constexpr const char* kSelect = "SELECT kind, value, reason, added_at FROM denied_identities ";

std::string describe(const DenyKey& key) { return key.kind + " \"" + key.value + "\""; }

Result<std::vector<DeniedIdentity>> collect(SqliteStatement& stmt) {
  std::vector<DeniedIdentity> out;
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return out;
    out.push_back(DeniedIdentity{{stmt.text(0), stmt.text(1)}, stmt.text(2), stmt.integer(3)});
  }
}

}  // namespace

Status insertDeniedRow(SqliteConn db, const DeniedIdentity& d) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "INSERT INTO denied_identities (kind, value, reason, added_at) "
                                                  "VALUES (?, ?, ?, ?)"));
  stmt.bind(1, d.key.kind).bind(2, d.key.value).bind(3, d.reason).bind(4, d.addedAt);
  Status s = stmt.run();
  if (!s.ok() && s.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::AlreadyExists, describe(d.key) + " is already denied");
  return s;
}

Status deleteDeniedRow(SqliteConn db, const DenyKey& key) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db, "DELETE FROM denied_identities WHERE kind = ? AND value = ?"));
  stmt.bind(1, key.kind).bind(2, key.value);
  SSHCA_RETURN_IF_ERROR(stmt.run());
  if (sqlite3_changes(db) == 0) return makeError(ErrorCode::NotFound, describe(key) + " is not denied");
  return okStatus();
}

Result<std::vector<DeniedIdentity>> selectDeniedRows(SqliteConn db) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, std::string(kSelect) + "ORDER BY rowid"));
  return collect(stmt);
}

// One statement for the few keys a request has (at most four).
Result<std::vector<DeniedIdentity>> selectDeniedRowsAmong(SqliteConn db, const std::vector<DenyKey>& keys) {
  if (keys.empty()) return std::vector<DeniedIdentity>();
  std::string sql = std::string(kSelect) + "WHERE ";
  for (size_t i = 0; i < keys.size(); ++i) sql += i == 0 ? "(kind = ? AND value = ?)" : " OR (kind = ? AND value = ?)";
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, sql + " ORDER BY rowid"));
  for (size_t i = 0; i < keys.size(); ++i)
    stmt.bind(static_cast<int>(2 * i + 1), keys[i].kind).bind(static_cast<int>(2 * i + 2), keys[i].value);
  return collect(stmt);
}

}  // namespace sshca::store
