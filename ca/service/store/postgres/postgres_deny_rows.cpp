#include "ca/service/store/postgres/postgres_deny_rows.h"

#include <string>
#include <string_view>

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

namespace {

constexpr const char* kSelect = "SELECT kind, value, reason, added_at FROM denied_identities ";

std::string describe(const DenyKey& key) { return key.kind + " \"" + key.value + "\""; }

Result<std::vector<DeniedIdentity>> selectWhere(PGconn* conn, const std::string& where, const PgParams& params) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, kSelect + where, params, "reading denied identities"));
  std::vector<DeniedIdentity> out;
  for (int i = 0; i < PQntuples(r.get()); ++i)
    out.push_back(
        DeniedIdentity{{pgText(r.get(), i, 0), pgText(r.get(), i, 1)}, pgText(r.get(), i, 2), pgInt64(r.get(), i, 3)});
  return out;
}

}  // namespace

Status pgInsertDenied(PGconn* conn, const DeniedIdentity& d) {
  auto done = pgExec(conn, "INSERT INTO denied_identities (kind, value, reason, added_at) VALUES ($1, $2, $3, $4)",
                     PgParams().add(d.key.kind).add(d.key.value).add(d.reason).add(d.addedAt), "denying an identity");
  if (!done.ok() && done.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::AlreadyExists, describe(d.key) + " is already denied");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

Status pgDeleteDenied(PGconn* conn, const DenyKey& key) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, "DELETE FROM denied_identities WHERE kind = $1 AND value = $2",
                                            PgParams().add(key.kind).add(key.value), "removing a denial"));
  if (std::string_view(PQcmdTuples(r.get())) == "0")
    return makeError(ErrorCode::NotFound, describe(key) + " is not denied");
  return okStatus();
}

Result<std::vector<DeniedIdentity>> pgSelectDenied(PGconn* conn) {
  return selectWhere(conn, "ORDER BY id", PgParams());
}

Result<std::vector<DeniedIdentity>> pgSelectDeniedAmong(PGconn* conn, const std::vector<DenyKey>& keys) {
  if (keys.empty()) return std::vector<DeniedIdentity>();
  PgParams params;
  std::string where = "WHERE ";
  for (size_t i = 0; i < keys.size(); ++i) {
    params.add(keys[i].kind).add(keys[i].value);
    where += (i == 0 ? "" : " OR ") + std::string("(kind = $") + std::to_string(2 * i + 1) + " AND value = $" +
             std::to_string(2 * i + 2) + ")";
  }
  return selectWhere(conn, where + " ORDER BY id", params);
}

}  // namespace sshca::store
