#include "ca/service/store/postgres/postgres_ssh_krl.h"

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

Result<uint64_t> pgBumpKrlVersion(PGconn* conn) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn,
                                            "INSERT INTO krl_state (id, version) VALUES (1, 1) ON CONFLICT (id) "
                                            "DO UPDATE SET version = krl_state.version + 1 RETURNING version",
                                            "bumping the KRL version"));
  if (PQntuples(r.get()) != 1) return makeError(ErrorCode::Internal, "database: the KRL version was not returned");
  return static_cast<uint64_t>(pgInt64(r.get(), 0, 0));
}

Result<uint64_t> pgSelectKrlVersion(PGconn* conn) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r,
                         pgExec(conn, "SELECT version FROM krl_state WHERE id = 1", "reading the KRL version"));
  return PQntuples(r.get()) == 1 ? static_cast<uint64_t>(pgInt64(r.get(), 0, 0)) : uint64_t{0};
}

Status pgRaiseKrlVersion(PGconn* conn, uint64_t version) {
  auto done = pgExec(conn,
                     "INSERT INTO krl_state (id, version) VALUES (1, $1) ON CONFLICT (id) "
                     "DO UPDATE SET version = GREATEST(krl_state.version, EXCLUDED.version)",
                     PgParams().add(static_cast<int64_t>(version)), "setting the KRL version");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

}  // namespace sshca::store
