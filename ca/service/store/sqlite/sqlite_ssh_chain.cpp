#include "ca/service/store/sqlite/sqlite_ssh_chain.h"

#include "ca/service/store/integer_columns.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_ssh_rows.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::store {

namespace {

// Both directions of the line from `serial`, in one recursive query; UNION
// (not UNION ALL) ends a cycle, which the unique constraints already rule out.
constexpr const char* kChainSql = R"sql(
  WITH RECURSIVE
    up(s) AS (SELECT ?2 UNION SELECT r.old_serial FROM ssh_certificate_replacements r, up
              WHERE r.ca_fingerprint = ?1 AND r.new_serial = up.s),
    down(s) AS (SELECT ?2 UNION SELECT r.new_serial FROM ssh_certificate_replacements r, down
                WHERE r.ca_fingerprint = ?1 AND r.old_serial = down.s)
  SELECT s FROM up WHERE s <> ?2 UNION SELECT s FROM down WHERE s <> ?2
)sql";

}  // namespace

Status insertReplacementRow(SqliteConn db, const std::string& caFingerprint, uint64_t oldSerial, uint64_t newSerial,
                            int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(auto earlier, selectReplacementOf(db, caFingerprint, oldSerial));
  if (earlier) return certificateAlreadyReplaced(oldSerial, *earlier);
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "INSERT INTO ssh_certificate_replacements "
                                                  "(ca_fingerprint, old_serial, new_serial, replaced_at) "
                                                  "VALUES (?, ?, ?, ?)"));
  stmt.bind(1, caFingerprint).bind(2, serialToColumn(oldSerial)).bind(3, serialToColumn(newSerial)).bind(4, at);
  return stmt.run();
}

Result<std::optional<uint64_t>> selectReplacementOf(SqliteConn db, const std::string& caFingerprint, uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT new_serial FROM ssh_certificate_replacements "
                                                  "WHERE ca_fingerprint = ? AND old_serial = ?"));
  stmt.bind(1, caFingerprint).bind(2, serialToColumn(serial));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<uint64_t>();
  return std::optional<uint64_t>(serialFromColumn(stmt.integer(0)));
}

Result<std::vector<uint64_t>> selectChainSerials(SqliteConn db, const std::string& caFingerprint, uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, kChainSql));
  stmt.bind(1, caFingerprint).bind(2, serialToColumn(serial));
  std::vector<uint64_t> out{serial};
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return out;
    out.push_back(serialFromColumn(stmt.integer(0)));
  }
}

Result<std::vector<uint64_t>> revokeSshChainRows(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                                                 const std::string& reason, int64_t at) {
  SSHCA_RETURN_IF_ERROR(revokeSshCertificateRow(db, caFingerprint, serial, reason, at));
  SSHCA_ASSIGN_OR_RETURN(std::vector<uint64_t> chain, selectChainSerials(db, caFingerprint, serial));
  std::vector<uint64_t> revoked{serial};
  const std::string linked = reason + " (renewal chain of serial " + std::to_string(serial) + ")";
  for (size_t i = 1; i < chain.size(); ++i) {
    SSHCA_ASSIGN_OR_RETURN(bool changed, markSshCertificateRevoked(db, caFingerprint, chain[i], linked, at));
    if (changed) revoked.push_back(chain[i]);
  }
  return revoked;
}

Status forEachReplacementRow(SqliteConn db, const std::function<Status(const ReplacementRow&)>& visit) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT ca_fingerprint, old_serial, new_serial, replaced_at "
                                                  "FROM ssh_certificate_replacements"));
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return okStatus();
    SSHCA_RETURN_IF_ERROR(visit(ReplacementRow{stmt.text(0), serialFromColumn(stmt.integer(1)),
                                               serialFromColumn(stmt.integer(2)), stmt.integer(3)}));
  }
}

}  // namespace sshca::store
