#include "ca/service/store/postgres/postgres_sqlite_import.h"

#include <filesystem>

#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_deny_rows.h"
#include "ca/service/store/postgres/postgres_migrations.h"
#include "ca/service/store/postgres/postgres_ssh_chain.h"
#include "ca/service/store/postgres/postgres_ssh_krl.h"
#include "ca/service/store/postgres/postgres_ssh_rows.h"
#include "ca/service/store/postgres/postgres_token_rows.h"
#include "ca/service/store/postgres/postgres_transaction.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_deny_rows.h"
#include "ca/service/store/sqlite/sqlite_migrations.h"
#include "ca/service/store/sqlite/sqlite_ssh_chain.h"
#include "ca/service/store/sqlite/sqlite_ssh_krl.h"
#include "ca/service/store/sqlite/sqlite_ssh_rows.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_token_rows.h"

namespace sshca::store {

namespace {

// SQLite's schema versions that added the SSH tables and renewal chains.
constexpr int kSqliteSshSchema = 2;
constexpr int kSqliteChainSchema = 3;
// ... and the one that added denied identities.
constexpr int kSqliteDenySchema = 4;

Status copyCertificates(sqlite3* src, PGconn* dst, SqliteImportCounts& counts) {
  return forEachSshCertificateRow(src, [&](SshCertificateRecord r) -> Status {
    SSHCA_RETURN_IF_ERROR(pgInsertSshCertificate(dst, r));
    ++counts.certificates;
    if (r.revokedAt) ++counts.revoked;
    return okStatus();
  });
}

Status copyReplacements(sqlite3* src, PGconn* dst) {
  return forEachReplacementRow(src, [&](const ReplacementRow& r) {
    return pgInsertReplacement(dst, r.caFingerprint, r.oldSerial, r.newSerial, r.replacedAt);
  });
}

Status copyTokens(sqlite3* src, PGconn* dst, int64_t now, SqliteImportCounts& counts) {
  return forEachUsedTokenRow(src, now - kImportTokenMarginSeconds, [&](const TokenUse& use) -> Status {
    SSHCA_RETURN_IF_ERROR(pgInsertUsedToken(dst, use));
    ++counts.tokens;
    return okStatus();
  });
}

// A denial left behind would let an offboarded person back in.
Status copyDenials(sqlite3* src, PGconn* dst, SqliteImportCounts& counts) {
  SSHCA_ASSIGN_OR_RETURN(std::vector<DeniedIdentity> denied, selectDeniedRows(src));
  for (const auto& d : denied) SSHCA_RETURN_IF_ERROR(pgInsertDenied(dst, d));
  counts.denied = denied.size();
  return okStatus();
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
  SSHCA_ASSIGN_OR_RETURN(int version, schemaVersion(src.get()));
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
        if (version >= kSqliteChainSchema) SSHCA_RETURN_IF_ERROR(copyReplacements(src.get(), conn));
        SSHCA_RETURN_IF_ERROR(copyTokens(src.get(), conn, now, counts));
        SSHCA_ASSIGN_OR_RETURN(counts.krlVersion, selectKrlVersion(src.get()));
        if (counts.krlVersion > 0) SSHCA_RETURN_IF_ERROR(pgRaiseKrlVersion(conn, counts.krlVersion));
        if (version >= kSqliteDenySchema) SSHCA_RETURN_IF_ERROR(copyDenials(src.get(), conn, counts));
        return okStatus();
      },
      "copying the SSH records");
  if (!copied.ok()) return std::move(copied).error();
  return counts;
}

}  // namespace sshca::store
