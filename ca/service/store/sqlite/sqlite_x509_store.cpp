#include "ca/service/store/sqlite/sqlite_x509_store.h"

#include <mutex>

#include "ca/service/store/integer_columns.h"
#include "ca/service/store/sans_column.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_token_rows.h"
#include "ca/service/store/sqlite/sqlite_transaction.h"

namespace sshca::store {

namespace {

constexpr const char* kColumns =
    "serial, issuer, subject, sans, not_before, not_after, profile, pem, revoked_at, reason, provisioner, ssh_serial";

Result<CertificateRecord> recordFrom(const SqliteStatement& row) {
  CertificateRecord r;
  r.serialHex = row.text(0);
  r.issuer = row.text(1);
  r.subject = row.text(2);
  r.subjectAltNames = sansFromColumn(row.text(3));
  r.notBefore = row.integer(4);
  r.notAfter = row.integer(5);
  r.profile = row.text(6);
  r.pem = row.text(7);
  r.revokedAt = row.optionalInteger(8);
  if (auto code = row.optionalInteger(9)) {
    SSHCA_ASSIGN_OR_RETURN(r.reason, x509::revocationReasonFromCode(static_cast<int>(*code)));
  }
  r.provisioner = row.text(10);
  if (auto serial = row.optionalInteger(11)) r.sshSerial = serialFromColumn(*serial);
  return r;
}

class SqliteCertificateStore final : public CertificateStore {
 public:
  explicit SqliteCertificateStore(SqliteDb db) : db_(std::move(db)) {}

  Status addCertificate(const CertificateRecord& r) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    SSHCA_RETURN_IF_ERROR(insertLocked(r));
    return tx.commit();
  }

  Status addCertificateSpending(const CertificateRecord& r, const TokenUse& use) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    SSHCA_RETURN_IF_ERROR(insertUsedTokenRow(db_.get(), use));
    SSHCA_RETURN_IF_ERROR(insertLocked(r));
    return tx.commit();
  }

  Result<CertificateRecord> findBySerial(const std::string& serialHex) override {
    std::lock_guard lock(mu_);
    return findLocked(serialHex);
  }

  Status revoke(const std::string& serialHex, std::time_t at, x509::RevocationReason reason) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    SSHCA_ASSIGN_OR_RETURN(CertificateRecord current, findLocked(serialHex));
    if (current.revokedAt)
      return makeError(ErrorCode::AlreadyExists, "certificate " + serialHex + " is already revoked");
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           SqliteStatement::prepare(db_.get(),
                                                    "UPDATE x509_certificates SET revoked_at = ?, "
                                                    "reason = ? WHERE serial = ?"));
    stmt.bind(1, static_cast<int64_t>(at)).bind(2, static_cast<int64_t>(reason)).bind(3, serialHex);
    SSHCA_RETURN_IF_ERROR(stmt.run());
    return tx.commit();
  }

  Result<std::vector<CertificateRecord>> revokedBy(const std::string& issuer, std::time_t now) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           SqliteStatement::prepare(db_.get(), std::string("SELECT ") + kColumns +
                                                                   " FROM x509_certificates WHERE issuer = ? AND "
                                                                   "revoked_at IS NOT NULL AND not_after > ? "
                                                                   "ORDER BY serial"));
    stmt.bind(1, issuer).bind(2, static_cast<int64_t>(now));
    std::vector<CertificateRecord> out;
    for (;;) {
      SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
      if (!row) return out;
      SSHCA_ASSIGN_OR_RETURN(CertificateRecord r, recordFrom(stmt));
      out.push_back(std::move(r));
    }
  }

  Result<uint64_t> count() override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           SqliteStatement::prepare(db_.get(), "SELECT count(*) FROM x509_certificates"));
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    return row ? static_cast<uint64_t>(stmt.integer(0)) : 0;
  }

  Result<uint64_t> nextCrlNumber(const std::string& issuer, std::time_t at) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement next,
                           SqliteStatement::prepare(db_.get(),
                                                    "SELECT COALESCE(MAX(number), 0) + 1 FROM x509_crls "
                                                    "WHERE issuer = ?"));
    next.bind(1, issuer);
    SSHCA_ASSIGN_OR_RETURN(bool row, next.step());
    int64_t number = row ? next.integer(0) : 1;
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement insert,
                           SqliteStatement::prepare(db_.get(),
                                                    "INSERT INTO x509_crls (issuer, number, issued_at) "
                                                    "VALUES (?, ?, ?)"));
    insert.bind(1, issuer).bind(2, number).bind(3, static_cast<int64_t>(at));
    SSHCA_RETURN_IF_ERROR(insert.run());
    SSHCA_RETURN_IF_ERROR(tx.commit());
    return static_cast<uint64_t>(number);
  }

 private:
  Status insertLocked(const CertificateRecord& r) {
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db_.get(), insertSql()));
    stmt.bind(1, r.serialHex).bind(2, r.issuer).bind(3, r.subject).bind(4, sansToColumn(r.subjectAltNames));
    stmt.bind(5, static_cast<int64_t>(r.notBefore)).bind(6, static_cast<int64_t>(r.notAfter));
    stmt.bind(7, r.profile).bind(8, r.pem);
    bindRevocation(stmt, r.revokedAt, r.reason);
    stmt.bind(11, r.provisioner);
    if (r.sshSerial) {
      stmt.bind(12, serialToColumn(*r.sshSerial));
    } else {
      stmt.bindNull(12);
    }
    Status s = stmt.run();
    if (!s.ok() && s.error().code == ErrorCode::AlreadyExists)
      return makeError(ErrorCode::AlreadyExists, "a certificate with serial " + r.serialHex + " is already recorded");
    return s;
  }

  static std::string insertSql() {
    return std::string("INSERT INTO x509_certificates (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  static void bindRevocation(SqliteStatement& stmt, std::optional<std::time_t> at,
                             std::optional<x509::RevocationReason> reason) {
    if (at) {
      stmt.bind(9, static_cast<int64_t>(*at));
      stmt.bind(10, static_cast<int64_t>(reason.value_or(x509::RevocationReason::Unspecified)));
    } else {
      stmt.bindNull(9).bindNull(10);
    }
  }

  Result<CertificateRecord> findLocked(const std::string& serialHex) {
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                           SqliteStatement::prepare(db_.get(), std::string("SELECT ") + kColumns +
                                                                   " FROM x509_certificates WHERE serial = ?"));
    stmt.bind(1, serialHex);
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return makeError(ErrorCode::NotFound, "no certificate with serial " + serialHex + " in the database");
    return recordFrom(stmt);
  }

  std::mutex mu_;  // one connection: serialize transactions across threads
  SqliteDb db_;
};

}  // namespace

Result<std::unique_ptr<CertificateStore>> openSqliteCertificateStore(const std::string& path) {
  // Shared by the CLI's threads: SQLite serializes calls (FULLMUTEX).
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db, openWriterConnection(path, SQLITE_OPEN_FULLMUTEX));
  return std::unique_ptr<CertificateStore>(std::make_unique<SqliteCertificateStore>(std::move(db)));
}

}  // namespace sshca::store
