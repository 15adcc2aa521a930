#include "ca/service/store/postgres/postgres_token_rows.h"

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

Status pgInsertUsedToken(PGconn* conn, const TokenUse& use) {
  auto done = pgExec(
      conn, "INSERT INTO used_tokens (provisioner, token_id, expires_at, used_at) VALUES ($1, $2, $3, $4)",
      PgParams().add(use.provisioner).add(use.tokenId).add(use.expiresAt).add(use.now), "recording a one-time token");
  // The token ID is the caller's secret-ish handle: not in the message.
  if (!done.ok() && done.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::Replayed,
                     "this one-time token of provisioner '" + use.provisioner + "' was used before");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

Result<bool> pgSelectUsedToken(PGconn* conn, const std::string& tokenId, const std::string& provisioner) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, "SELECT 1 FROM used_tokens WHERE provisioner = $1 AND token_id = $2",
                                            PgParams().add(provisioner).add(tokenId), "reading a one-time token"));
  return PQntuples(r.get()) > 0;
}

Status pgDeleteExpiredTokens(PGconn* conn, int64_t now) {
  auto done = pgExec(conn, "DELETE FROM used_tokens WHERE expires_at < $1", PgParams().add(now),
                     "pruning spent one-time tokens");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

}  // namespace sshca::store
