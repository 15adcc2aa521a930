#include "ca/service/store/postgres/postgres_ssh_chain.h"

#include "ca/service/store/integer_columns.h"
#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_ssh_rows.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::store {

namespace {

// Both directions of the line from `serial`; UNION ends a cycle, which the
// unique constraints already rule out.
constexpr const char* kChainSql = R"sql(
  WITH RECURSIVE
    up(s) AS (SELECT $2::bigint UNION SELECT r.old_serial FROM ssh_certificate_replacements r, up
              WHERE r.ca_fingerprint = $1 AND r.new_serial = up.s),
    down(s) AS (SELECT $2::bigint UNION SELECT r.new_serial FROM ssh_certificate_replacements r, down
                WHERE r.ca_fingerprint = $1 AND r.old_serial = down.s)
  SELECT s FROM up WHERE s <> $2 UNION SELECT s FROM down WHERE s <> $2
)sql";

// pg_advisory_xact_lock key: "sshr" in ASCII (the migrations take "sshc").
constexpr const char* kChainLockKey = "1936943218";

}  // namespace

Status pgLockChainsShared(PGconn* conn) {
  SSHCA_RETURN_IF_ERROR(pgExec(conn, std::string("SELECT pg_advisory_xact_lock_shared(") + kChainLockKey + ")",
                               "waiting for revocations in flight"));
  return okStatus();
}

Status pgLockChainsExclusive(PGconn* conn) {
  SSHCA_RETURN_IF_ERROR(pgExec(conn, std::string("SELECT pg_advisory_xact_lock(") + kChainLockKey + ")",
                               "waiting for renewals in flight"));
  return okStatus();
}

Status pgInsertReplacement(PGconn* conn, const std::string& caFingerprint, uint64_t oldSerial, uint64_t newSerial,
                           int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(
      PgResult r,
      pgExec(conn,
             "INSERT INTO ssh_certificate_replacements (ca_fingerprint, old_serial, new_serial, "
             "replaced_at) VALUES ($1, $2, $3, $4) ON CONFLICT (ca_fingerprint, old_serial) DO NOTHING",
             PgParams().add(caFingerprint).add(serialToColumn(oldSerial)).add(serialToColumn(newSerial)).add(at),
             "recording the replacement of serial " + std::to_string(oldSerial)));
  if (std::string_view(PQcmdTuples(r.get())) == "1") return okStatus();
  SSHCA_ASSIGN_OR_RETURN(auto earlier, pgSelectReplacementOf(conn, caFingerprint, oldSerial));
  return certificateAlreadyReplaced(oldSerial, earlier.value_or(0));
}

Result<std::optional<uint64_t>> pgSelectReplacementOf(PGconn* conn, const std::string& caFingerprint, uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn,
                                            "SELECT new_serial FROM ssh_certificate_replacements "
                                            "WHERE ca_fingerprint = $1 AND old_serial = $2",
                                            PgParams().add(caFingerprint).add(serialToColumn(serial)),
                                            "reading the replacement of a certificate"));
  if (PQntuples(r.get()) == 0) return std::optional<uint64_t>();
  return std::optional<uint64_t>(serialFromColumn(pgInt64(r.get(), 0, 0)));
}

Result<std::vector<uint64_t>> pgSelectChainSerials(PGconn* conn, const std::string& caFingerprint, uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, kChainSql, PgParams().add(caFingerprint).add(serialToColumn(serial)),
                                            "reading a renewal chain"));
  std::vector<uint64_t> out{serial};
  for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(serialFromColumn(pgInt64(r.get(), i, 0)));
  return out;
}

Result<std::vector<uint64_t>> pgRevokeSshChain(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                                               const std::string& reason, int64_t at) {
  SSHCA_RETURN_IF_ERROR(pgLockChainsExclusive(conn));
  SSHCA_RETURN_IF_ERROR(pgRevokeSshCertificate(conn, caFingerprint, serial, reason, at));
  SSHCA_ASSIGN_OR_RETURN(std::vector<uint64_t> chain, pgSelectChainSerials(conn, caFingerprint, serial));
  std::vector<uint64_t> revoked{serial};
  const std::string linked = reason + " (renewal chain of serial " + std::to_string(serial) + ")";
  for (size_t i = 1; i < chain.size(); ++i) {
    SSHCA_ASSIGN_OR_RETURN(bool changed, pgMarkSshCertificateRevoked(conn, caFingerprint, chain[i], linked, at));
    if (changed) revoked.push_back(chain[i]);
  }
  return revoked;
}

}  // namespace sshca::store
