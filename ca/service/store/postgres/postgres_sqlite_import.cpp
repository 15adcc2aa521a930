#include "ca/service/store/postgres/postgres_sqlite_import.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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
// ... the one that added the online CA's columns to x509_certificates, and
// the one that added the ACME tables.
constexpr int kSqliteOnlineX509Schema = 5;
constexpr int kSqliteAcmeSchema = 6;

// A column copied as it is: both schemas give it the same name and kind.
struct CopiedColumn {
  const char* name;
  bool integer;  // else text; either may be NULL
};

// Every row of `table`, column by column (the tables below hold nothing
// but integers and text, and both schemas name them alike). Returns the
// number of rows copied.
Result<size_t> copyRows(sqlite3* src, PGconn* dst, const std::string& table, const std::vector<CopiedColumn>& columns) {
  std::string names, placeholders;
  for (size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + std::string(columns[i].name);
    placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
  }
  const std::string insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + placeholders + ")";
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement rows, SqliteStatement::prepare(src, "SELECT " + names + " FROM " + table));
  size_t copied = 0;
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) return copied;
    PgParams params;
    for (size_t i = 0; i < columns.size(); ++i) {
      const int c = static_cast<int>(i);
      if (columns[i].integer)
        params.add(rows.optionalInteger(c));
      else
        params.addOptionalText(rows.optionalText(c));
    }
    SSHCA_RETURN_IF_ERROR(pgExec(dst, insert, params, "copying a row of " + table));
    ++copied;
  }
}

// PostgreSQL numbers its own ids; the serial is the key that matters.
Status copyX509(sqlite3* src, PGconn* dst, int version, SqliteImportCounts& counts) {
  std::vector<CopiedColumn> columns{{"serial", false},    {"issuer", false},   {"subject", false}, {"sans", false},
                                    {"not_before", true}, {"not_after", true}, {"profile", false}, {"pem", false},
                                    {"revoked_at", true}, {"reason", true}};
  if (version >= kSqliteOnlineX509Schema) {
    columns.push_back({"provisioner", false});
    columns.push_back({"ssh_serial", true});
  }
  SSHCA_ASSIGN_OR_RETURN(counts.x509Certificates, copyRows(src, dst, "x509_certificates", columns));
  SSHCA_RETURN_IF_ERROR(copyRows(src, dst, "x509_crls", {{"issuer", false}, {"number", true}, {"issued_at", true}}));
  return okStatus();
}

// Nonces are not copied: each lives minutes, and a client asks for another.
Status copyAcme(sqlite3* src, PGconn* dst, SqliteImportCounts& counts) {
  const std::vector<CopiedColumn> columns{{"id", false},        {"provisioner", false}, {"account_id", false},
                                          {"parent_id", false}, {"status", false},      {"lookup_key", false},
                                          {"document", false},  {"updated_at", true},   {"seq", true}};
  for (const char* table :
       {"acme_accounts", "acme_orders", "acme_authorizations", "acme_challenges", "acme_certificates"}) {
    SSHCA_ASSIGN_OR_RETURN(size_t copied, copyRows(src, dst, table, columns));
    if (std::string_view(table) == "acme_accounts") counts.acmeAccounts = copied;
  }
  return okStatus();
}

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
  SSHCA_RETURN_IF_ERROR(pgExec(dst,
                               "LOCK TABLE ssh_certificates, used_tokens, krl_state, x509_certificates, "
                               "acme_accounts IN EXCLUSIVE MODE",
                               "locking the target tables"));
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(dst,
                                            "SELECT (SELECT count(*) FROM ssh_certificates), "
                                            "(SELECT count(*) FROM used_tokens), "
                                            "(SELECT COALESCE(max(version), 0) FROM krl_state), "
                                            "(SELECT count(*) FROM x509_certificates), "
                                            "(SELECT count(*) FROM acme_accounts)",
                                            "checking that the target is empty"));
  int64_t certs = pgInt64(r.get(), 0, 0), tokens = pgInt64(r.get(), 0, 1), krl = pgInt64(r.get(), 0, 2);
  int64_t x509 = pgInt64(r.get(), 0, 3), acme = pgInt64(r.get(), 0, 4);
  if (certs == 0 && tokens == 0 && krl == 0 && x509 == 0 && acme == 0) return okStatus();
  return makeError(ErrorCode::AlreadyExists,
                   "the target database is not empty (" + std::to_string(certs) + " SSH certificates, " +
                       std::to_string(tokens) + " used tokens, KRL version " + std::to_string(krl) + ", " +
                       std::to_string(x509) + " X.509 certificates, " + std::to_string(acme) +
                       " ACME accounts): records are copied into an empty database only, never merged or copied "
                       "twice");
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
        if (version >= 1) SSHCA_RETURN_IF_ERROR(copyX509(src.get(), conn, version, counts));
        if (version >= kSqliteAcmeSchema) SSHCA_RETURN_IF_ERROR(copyAcme(src.get(), conn, counts));
        if (version < kSqliteSshSchema) return okStatus();  // an sshca from before SSH records: nothing more
        SSHCA_RETURN_IF_ERROR(copyCertificates(src.get(), conn, counts));
        if (version >= kSqliteChainSchema) SSHCA_RETURN_IF_ERROR(copyReplacements(src.get(), conn));
        SSHCA_RETURN_IF_ERROR(copyTokens(src.get(), conn, now, counts));
        SSHCA_ASSIGN_OR_RETURN(counts.krlVersion, selectKrlVersion(src.get()));
        if (counts.krlVersion > 0) SSHCA_RETURN_IF_ERROR(pgRaiseKrlVersion(conn, counts.krlVersion));
        if (version >= kSqliteDenySchema) SSHCA_RETURN_IF_ERROR(copyDenials(src.get(), conn, counts));
        return okStatus();
      },
      "copying the records");
  if (!copied.ok()) return std::move(copied).error();
  return counts;
}

}  // namespace sshca::store
