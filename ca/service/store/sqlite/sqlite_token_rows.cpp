#include "ca/service/store/sqlite/sqlite_token_rows.h"

#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

Status insertUsedTokenRow(SqliteConn db, const TokenUse& use) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "INSERT INTO used_tokens (provisioner, token_id, expires_at, "
                                                  "used_at) VALUES (?, ?, ?, ?)"));
  stmt.bind(1, use.provisioner).bind(2, use.tokenId).bind(3, use.expiresAt).bind(4, use.now);
  Status s = stmt.run();
  // The token ID is the caller's secret-ish handle: not in the message.
  if (!s.ok() && s.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::Replayed,
                     "this one-time token of provisioner '" + use.provisioner + "' was used before");
  return s;
}

Result<bool> selectUsedTokenRow(SqliteConn db, const std::string& tokenId, const std::string& provisioner) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(db, "SELECT 1 FROM used_tokens WHERE provisioner = ? AND token_id = ?"));
  stmt.bind(1, provisioner).bind(2, tokenId);
  return stmt.step();
}

Status deleteExpiredTokenRows(SqliteConn db, int64_t now) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db, "DELETE FROM used_tokens WHERE expires_at < ?"));
  stmt.bind(1, now);
  return stmt.run();
}

Status forEachUsedTokenRow(SqliteConn db, int64_t expiresFrom, const TokenUseVisitor& visit) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT token_id, provisioner, expires_at, used_at "
                                                  "FROM used_tokens WHERE expires_at >= ?"));
  stmt.bind(1, expiresFrom);
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return okStatus();
    SSHCA_RETURN_IF_ERROR(visit(TokenUse{stmt.text(0), stmt.text(1), stmt.integer(2), stmt.integer(3)}));
  }
}

}  // namespace sshca::store
