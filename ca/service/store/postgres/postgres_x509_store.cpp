#include "ca/service/store/postgres/postgres_x509_store.h"

#include <optional>

#include "ca/service/store/integer_columns.h"
#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_migrations.h"
#include "ca/service/store/postgres/postgres_pool.h"
#include "ca/service/store/postgres/postgres_token_rows.h"
#include "ca/service/store/postgres/postgres_transaction.h"
#include "ca/service/store/sans_column.h"

namespace sshca::store {

namespace {

constexpr const char* kSelect =
    "SELECT serial, issuer, subject, sans, not_before, not_after, profile, pem, revoked_at, reason, provisioner, "
    "ssh_serial FROM x509_certificates ";

Result<CertificateRecord> recordAt(const PGresult* r, int i) {
  CertificateRecord c;
  c.serialHex = pgText(r, i, 0);
  c.issuer = pgText(r, i, 1);
  c.subject = pgText(r, i, 2);
  c.subjectAltNames = sansFromColumn(pgText(r, i, 3));
  c.notBefore = pgInt64(r, i, 4);
  c.notAfter = pgInt64(r, i, 5);
  c.profile = pgText(r, i, 6);
  c.pem = pgText(r, i, 7);
  c.revokedAt = pgOptionalInt64(r, i, 8);
  if (auto code = pgOptionalInt64(r, i, 9)) {
    SSHCA_ASSIGN_OR_RETURN(c.reason, x509::revocationReasonFromCode(static_cast<int>(*code)));
  }
  c.provisioner = pgText(r, i, 10);
  if (auto serial = pgOptionalInt64(r, i, 11)) c.sshSerial = serialFromColumn(*serial);
  return c;
}

Result<std::vector<CertificateRecord>> selectWhere(PGconn* conn, const std::string& where, const PgParams& params) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, kSelect + where, params, "reading X.509 certificates"));
  std::vector<CertificateRecord> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    SSHCA_ASSIGN_OR_RETURN(CertificateRecord c, recordAt(r.get(), i));
    out.push_back(std::move(c));
  }
  return out;
}

Result<CertificateRecord> selectOne(PGconn* conn, const std::string& serialHex, const char* lock) {
  SSHCA_ASSIGN_OR_RETURN(auto rows,
                         selectWhere(conn, std::string("WHERE serial = $1") + lock, PgParams().add(serialHex)));
  if (rows.empty()) return makeError(ErrorCode::NotFound, "no certificate with serial " + serialHex);
  return std::move(rows.front());
}

class PostgresCertificateStore final : public CertificateStore {
 public:
  explicit PostgresCertificateStore(std::unique_ptr<PostgresPool> pool) : pool_(std::move(pool)) {}

  Status addCertificate(const CertificateRecord& c) override {
    return record(c, [](PGconn*) { return okStatus(); });
  }

  Status addCertificateSpending(const CertificateRecord& c, const TokenUse& use) override {
    return record(c, [&use](PGconn* conn) { return pgInsertUsedToken(conn, use); });
  }

  Result<CertificateRecord> findBySerial(const std::string& serialHex) override {
    std::optional<CertificateRecord> out;
    SSHCA_RETURN_IF_ERROR(pgRead(*pool_, [&](PGconn* conn) -> Status {
      SSHCA_ASSIGN_OR_RETURN(CertificateRecord c, selectOne(conn, serialHex, ""));
      out = std::move(c);
      return okStatus();
    }));
    return std::move(*out);
  }

  Status revoke(const std::string& serialHex, std::time_t at, x509::RevocationReason reason) override {
    return pgTransaction(
        *pool_,
        [&](PGconn* conn) -> Status {
          SSHCA_ASSIGN_OR_RETURN(CertificateRecord current, selectOne(conn, serialHex, " FOR UPDATE"));
          if (current.revokedAt)
            return makeError(ErrorCode::AlreadyExists, "certificate " + serialHex + " is already revoked");
          auto done = pgExec(conn, "UPDATE x509_certificates SET revoked_at = $1, reason = $2 WHERE serial = $3",
                             PgParams().add(static_cast<int64_t>(at)).add(static_cast<int64_t>(reason)).add(serialHex),
                             "revoking an X.509 certificate");
          if (!done.ok()) return std::move(done).error();
          return okStatus();
        },
        "revoking an X.509 certificate");
  }

  Result<std::vector<CertificateRecord>> revokedBy(const std::string& issuer, std::time_t now) override {
    std::vector<CertificateRecord> out;
    SSHCA_RETURN_IF_ERROR(pgRead(*pool_, [&](PGconn* conn) -> Status {
      SSHCA_ASSIGN_OR_RETURN(out, selectWhere(conn,
                                              "WHERE issuer = $1 AND revoked_at IS NOT NULL AND not_after > $2 "
                                              "ORDER BY serial",
                                              PgParams().add(issuer).add(static_cast<int64_t>(now))));
      return okStatus();
    }));
    return out;
  }

  Result<uint64_t> count() override {
    uint64_t n = 0;
    SSHCA_RETURN_IF_ERROR(pgRead(*pool_, [&](PGconn* conn) -> Status {
      SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, "SELECT count(*) FROM x509_certificates", "counting"));
      n = static_cast<uint64_t>(pgInt64(r.get(), 0, 0));
      return okStatus();
    }));
    return n;
  }

  // The unique key refuses a number two instances picked at once: that
  // transaction fails (Unavailable or AlreadyExists) rather than repeat it.
  Result<uint64_t> nextCrlNumber(const std::string& issuer, std::time_t at) override {
    int64_t number = 0;
    SSHCA_RETURN_IF_ERROR(pgTransaction(
        *pool_,
        [&](PGconn* conn) -> Status {
          SSHCA_ASSIGN_OR_RETURN(
              PgResult r, pgExec(conn,
                                 "INSERT INTO x509_crls (issuer, number, issued_at) SELECT $1, "
                                 "COALESCE(MAX(number), 0) + 1, $2 FROM x509_crls WHERE issuer "
                                 "= $1 RETURNING number",
                                 PgParams().add(issuer).add(static_cast<int64_t>(at)), "reserving a CRL number"));
          number = pgInt64(r.get(), 0, 0);
          return okStatus();
        },
        "reserving a CRL number"));
    return static_cast<uint64_t>(number);
  }

 private:
  // Inserts `c` after `before` (the token's use, or nothing) in one
  // transaction.
  Status record(const CertificateRecord& c, const PgWork& before) {
    std::optional<int64_t> revokedAt, reason, sshSerial;
    if (c.revokedAt) {
      revokedAt = static_cast<int64_t>(*c.revokedAt);
      reason = static_cast<int64_t>(c.reason.value_or(x509::RevocationReason::Unspecified));
    }
    if (c.sshSerial) sshSerial = serialToColumn(*c.sshSerial);
    PgParams params;
    params.add(c.serialHex).add(c.issuer).add(c.subject).add(sansToColumn(c.subjectAltNames));
    params.add(static_cast<int64_t>(c.notBefore)).add(static_cast<int64_t>(c.notAfter)).add(c.profile).add(c.pem);
    params.add(revokedAt).add(reason).add(c.provisioner).add(sshSerial);
    Status s = pgTransaction(
        *pool_,
        [&](PGconn* conn) -> Status {
          SSHCA_RETURN_IF_ERROR(before(conn));
          auto done = pgExec(conn,
                             "INSERT INTO x509_certificates (serial, issuer, subject, sans, not_before, not_after, "
                             "profile, pem, revoked_at, reason, provisioner, ssh_serial) VALUES ($1, $2, $3, $4, $5, "
                             "$6, $7, $8, $9, $10, $11, $12)",
                             params, "recording an X.509 certificate");
          if (!done.ok()) return std::move(done).error();
          return okStatus();
        },
        "recording an X.509 certificate");
    if (!s.ok() && s.error().code == ErrorCode::AlreadyExists)
      return makeError(ErrorCode::AlreadyExists, "a certificate with serial " + c.serialHex + " is already recorded");
    return s;
  }

  std::unique_ptr<PostgresPool> pool_;
};

}  // namespace

Result<std::unique_ptr<CertificateStore>> openPostgresCertificateStore(const std::string& dsn, size_t connections) {
  auto pool = std::make_unique<PostgresPool>(dsn, connections);
  {
    SSHCA_ASSIGN_OR_RETURN(PostgresPool::Lease lease, pool->acquire());
    auto migrated = migratePostgres(lease.get());
    if (!migrated.ok()) return std::move(migrated).error().context(describeDsn(dsn));
  }
  return std::unique_ptr<CertificateStore>(std::make_unique<PostgresCertificateStore>(std::move(pool)));
}

}  // namespace sshca::store
