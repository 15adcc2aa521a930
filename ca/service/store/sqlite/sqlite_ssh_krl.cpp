#include "ca/service/store/sqlite/sqlite_ssh_krl.h"

#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

// One statement creates or bumps the row and reads it back, so the value
// returned is exactly the one this transaction wrote.
Result<uint64_t> bumpKrlVersion(SqliteConn db) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "INSERT INTO krl_state (id, version) VALUES (1, 1) "
                                                  "ON CONFLICT (id) DO UPDATE SET version = version + 1 "
                                                  "RETURNING version"));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return makeError(ErrorCode::Internal, "database: the KRL version was not returned");
  int64_t version = stmt.integer(0);
  // Finish the statement: RETURNING writes complete only when stepped to the end.
  SSHCA_ASSIGN_OR_RETURN(bool more, stmt.step());
  (void)more;
  return static_cast<uint64_t>(version);
}

Result<uint64_t> selectKrlVersion(SqliteConn db) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db, "SELECT version FROM krl_state WHERE id = 1"));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? static_cast<uint64_t>(stmt.integer(0)) : uint64_t{0};
}

}  // namespace sshca::store
