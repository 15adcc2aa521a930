#include "store/postgres_sqlite_import.h"

#include <filesystem>
#include <limits>

#include "store/postgres_connection.h"
#include "store/postgres_krl.h"
#include "store/postgres_migrations.h"
#include "store/postgres_ssh_rows.h"
#include "store/postgres_token_rows.h"
#include "store/postgres_transaction.h"
#include "store/sqlite_connection.h"
#include "store/sqlite_migrations.h"
#include "store/sqlite_statement.h"

namespace sshca::store {

namespace {

// SQLite's schema version that added the SSH tables.
constexpr int kSqliteSshSchema = 2;

Result<int> sqliteSchemaVersion(sqlite3* db) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, "PRAGMA user_version"));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? static_cast<int>(stmt.integer(0)) : 0;
}

uint64_t sqliteTime(int64_t column) {
  if (column == std::numeric_limits<int64_t>::max()) return std::numeric_limits<uint64_t>::max();
  return static_cast<uint64_t>(column);
}

Result<std::vector<std::string>> sqlitePrincipals(sqlite3* db, int64_t certificateId) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db, "SELECT principal FROM ssh_certificate_principals "
                                                      "WHERE certificate_id = ? ORDER BY position"));
  stmt.bind(1, certificateId);
  std::vector<std::string> out;
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return out;
    out.push_back(stmt.text(0));
  }
}

Result<SshCertificateRecord> sqliteRecord(sqlite3* db, const SqliteStatement& row) {
  SshCertificateRecord r;
  r.caFingerprint = row.text(1);
  r.serial = static_cast<uint64_t>(row.integer(2));
  r.certType = row.text(3);
  r.keyId = row.text(4);
  r.validAfter = sqliteTime(row.integer(5));
  r.validBefore = sqliteTime(row.integer(6));
  r.keyFingerprint = row.text(7);
  r.provisioner = row.text(8);
  r.subject = row.text(9);
  std::string cert = row.text(10);
  r.certificate.assign(cert.begin(), cert.end());
  r.issuedAt = row.integer(11);
  r.revokedAt = row.optionalInteger(12);
  r.revocationReason = row.text(13);
  SSHCA_ASSIGN_OR_RETURN(r.principals, sqlitePrincipals(db, row.integer(0)));
  return r;
}

Status copyCertificates(sqlite3* src, PGconn* dst, SqliteImportCounts& counts) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(src, "SELECT id, ca_fingerprint, serial, cert_type, key_id, valid_after, "
                                    "valid_before, key_fingerprint, provisioner, subject, certificate, issued_at, "
                                    "revoked_at, revocation_reason FROM ssh_certificates ORDER BY id"));
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return okStatus();
    SSHCA_ASSIGN_OR_RETURN(SshCertificateRecord r, sqliteRecord(src, stmt));
    SSHCA_RETURN_IF_ERROR(pgInsertSshCertificate(dst, r));
    ++counts.certificates;
    if (r.revokedAt) ++counts.revoked;
  }
}

Status copyTokens(sqlite3* src, PGconn* dst, int64_t now, SqliteImportCounts& counts) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(src, "SELECT provisioner, token_id, expires_at, used_at "
                                                       "FROM used_tokens WHERE expires_at >= ?"));
  stmt.bind(1, now - kImportTokenMarginSeconds);
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return okStatus();
    TokenUse use{stmt.text(1), stmt.text(0), stmt.integer(2), stmt.integer(3)};
    SSHCA_RETURN_IF_ERROR(pgInsertUsedToken(dst, use));
    ++counts.tokens;
  }
}

Result<uint64_t> sqliteKrlVersion(sqlite3* src) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(src, "SELECT version FROM krl_state WHERE id = 1"));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? static_cast<uint64_t>(stmt.integer(0)) : uint64_t{0};
}

// Under the table lock, so that no CA instance writes between the check
// and the copy.
Status requireEmptyTarget(PGconn* dst) {
  SSHCA_RETURN_IF_ERROR(pgExec(dst, "LOCK TABLE ssh_certificates, used_tokens, krl_state IN EXCLUSIVE MODE",
                               "locking the target tables"));
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(dst,
                                            "SELECT (SELECT count(*) FROM ssh_certificates), "
                                            "(SELECT count(*) FROM used_tokens), "
                                            "(SELECT COALESCE(max(version), 0) FROM krl_state)",
                                            "checking that the target is empty"));
  int64_t certs = pgInt64(r.get(), 0, 0), tokens = pgInt64(r.get(), 0, 1), krl = pgInt64(r.get(), 0, 2);
  if (certs == 0 && tokens == 0 && krl == 0) return okStatus();
  return makeError(ErrorCode::AlreadyExists,
                   "the target database is not empty (" + std::to_string(certs) + " SSH certificates, " +
                       std::to_string(tokens) + " used tokens, KRL version " + std::to_string(krl) +
                       "): records are copied into an empty database only, never merged or copied twice");
}

}  // namespace

Result<SqliteImportCounts> importSqliteIntoPostgres(const std::string& sqlitePath, const std::string& dsn,
                                                    int64_t now) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(sqlitePath, ec))
    return makeError(ErrorCode::NotFound, "no SQLite database at " + sqlitePath);
  SSHCA_ASSIGN_OR_RETURN(SqliteDb src, openReaderConnection(sqlitePath));
  SSHCA_ASSIGN_OR_RETURN(int version, sqliteSchemaVersion(src.get()));
  if (version > latestSchemaVersion())
    return makeError(ErrorCode::Unsupported, sqlitePath + " has schema version " + std::to_string(version) +
                                                 ", newer than this sshca understands");
  SSHCA_ASSIGN_OR_RETURN(PgConn dst, connectPostgres(dsn));
  auto migrated = migratePostgres(dst.get());
  if (!migrated.ok()) return std::move(migrated).error().context(describeDsn(dsn));
  // One read transaction: a consistent snapshot even if a CA still writes
  // the file (it ends when the connection closes).
  if (sqlite3_exec(src.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return sqliteError(src.get(), SQLITE_ERROR, "starting a read transaction on " + sqlitePath);
  SqliteImportCounts counts;
  Status copied = pgTransactionOn(
      dst.get(),
      [&](PGconn* conn) -> Status {
        SSHCA_RETURN_IF_ERROR(requireEmptyTarget(conn));
        if (version < kSqliteSshSchema) return okStatus();  // an sshca from before SSH records: nothing to copy
        SSHCA_RETURN_IF_ERROR(copyCertificates(src.get(), conn, counts));
        SSHCA_RETURN_IF_ERROR(copyTokens(src.get(), conn, now, counts));
        SSHCA_ASSIGN_OR_RETURN(counts.krlVersion, sqliteKrlVersion(src.get()));
        if (counts.krlVersion > 0) SSHCA_RETURN_IF_ERROR(pgRaiseKrlVersion(conn, counts.krlVersion));
        return okStatus();
      },
      "copying the SSH records");
  if (!copied.ok()) return std::move(copied).error();
  return counts;
}

}  // namespace sshca::store
