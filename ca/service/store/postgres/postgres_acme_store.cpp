#include "ca/service/store/postgres/postgres_acme_store.h"

#include <optional>
#include <string_view>

#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_migrations.h"
#include "ca/service/store/postgres/postgres_pool.h"
#include "ca/service/store/postgres/postgres_transaction.h"

namespace sshca::store {
namespace {

constexpr const char* kColumns = "id, provisioner, account_id, parent_id, status, lookup_key, document, updated_at";

AcmeRow rowFrom(AcmeTable table, const PGresult* r, int i) {
  AcmeRow row;
  row.table = table;
  row.id = pgText(r, i, 0);
  row.provisioner = pgText(r, i, 1);
  row.accountId = pgText(r, i, 2);
  row.parentId = pgText(r, i, 3);
  row.status = pgText(r, i, 4);
  row.lookupKey = pgText(r, i, 5);
  row.document = pgText(r, i, 6);
  row.updatedAt = pgInt64(r, i, 7);
  return row;
}

std::string selectSql(AcmeTable table, const char* byColumn) {
  return std::string("SELECT ") + kColumns + " FROM " + acmeTableName(table) + " WHERE provisioner = $1 AND " +
         byColumn + " = $2";
}

bool changedOne(const PgResult& r) { return std::string_view(PQcmdTuples(r.get())) == "1"; }

// insertRow and updateRow run inside the caller's transaction.
Status insertRow(PGconn* c, const AcmeRow& r, int64_t seq) {
  std::string sql = std::string("INSERT INTO ") + acmeTableName(r.table) + " (" + kColumns +
                    ", seq) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, $8, $9)";
  auto done = pgExec(c, sql,
                     PgParams()
                         .add(r.id)
                         .add(r.provisioner)
                         .add(r.accountId)
                         .add(r.parentId)
                         .add(r.status)
                         .add(r.lookupKey)
                         .add(r.document)
                         .add(r.updatedAt)
                         .add(seq),
                     "recording an ACME object");
  if (!done.ok() && done.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::AlreadyExists, std::string(acmeTableName(r.table)) + ": the row exists already");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

Status updateRow(PGconn* c, const AcmeRow& r, const std::string& expectedStatus) {
  std::string sql = std::string("UPDATE ") + acmeTableName(r.table) +
                    " SET status = $1, lookup_key = NULLIF($2, ''), document = $3, updated_at = $4 "
                    "WHERE provisioner = $5 AND id = $6 AND status = $7";
  SSHCA_ASSIGN_OR_RETURN(PgResult res, pgExec(c, sql,
                                              PgParams()
                                                  .add(r.status)
                                                  .add(r.lookupKey)
                                                  .add(r.document)
                                                  .add(r.updatedAt)
                                                  .add(r.provisioner)
                                                  .add(r.id)
                                                  .add(expectedStatus),
                                              "updating an ACME object"));
  if (!changedOne(res))
    return makeError(ErrorCode::AlreadyExists, std::string(acmeTableName(r.table)) +
                                                   ": the object changed meanwhile (not " + expectedStatus + ")");
  return okStatus();
}

class PostgresAcmeStore final : public AcmeStore {
 public:
  explicit PostgresAcmeStore(std::unique_ptr<PostgresPool> pool) : pool_(std::move(pool)) {}

  Status addNonce(const std::string& nonce, int64_t expiresAt) override {
    return pgTransaction(
        *pool_,
        [&](PGconn* c) -> Status {
          SSHCA_RETURN_IF_ERROR(pgExec(c, "INSERT INTO acme_nonces (nonce, expires_at) VALUES ($1, $2)",
                                       PgParams().add(nonce).add(expiresAt), "recording a nonce"));
          return okStatus();
        },
        "recording a nonce");
  }

  // The DELETE decides, on whichever instance the nonce comes back to.
  Result<bool> consumeNonce(const std::string& nonce, int64_t now) override {
    bool consumed = false;
    SSHCA_RETURN_IF_ERROR(pgTransaction(
        *pool_,
        [&](PGconn* c) -> Status {
          SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(c, "DELETE FROM acme_nonces WHERE nonce = $1 AND expires_at >= $2",
                                                    PgParams().add(nonce).add(now), "consuming a nonce"));
          consumed = changedOne(r);
          return okStatus();
        },
        "consuming a nonce"));
    return consumed;
  }

  Status pruneNonces(int64_t now) override {
    return pgTransaction(
        *pool_,
        [&](PGconn* c) -> Status {
          SSHCA_RETURN_IF_ERROR(
              pgExec(c, "DELETE FROM acme_nonces WHERE expires_at < $1", PgParams().add(now), "pruning nonces"));
          return okStatus();
        },
        "pruning nonces");
  }

  Status insert(const std::vector<AcmeRow>& rows) override {
    return pgTransaction(
        *pool_,
        [&](PGconn* c) -> Status {
          int64_t seq = 0;
          for (const AcmeRow& r : rows) SSHCA_RETURN_IF_ERROR(insertRow(c, r, seq++));
          return okStatus();
        },
        "recording ACME objects");
  }

  Result<AcmeRow> find(AcmeTable table, const std::string& provisioner, const std::string& id) override {
    SSHCA_ASSIGN_OR_RETURN(std::vector<AcmeRow> rows, select(table, selectSql(table, "id"), provisioner, id));
    if (rows.empty()) return makeError(ErrorCode::NotFound, std::string(acmeTableName(table)) + ": no such object");
    return rows.front();
  }

  Result<std::optional<AcmeRow>> findByLookupKey(AcmeTable table, const std::string& provisioner,
                                                 const std::string& key) override {
    SSHCA_ASSIGN_OR_RETURN(std::vector<AcmeRow> rows, select(table, selectSql(table, "lookup_key"), provisioner, key));
    if (rows.empty()) return std::optional<AcmeRow>();
    return std::optional<AcmeRow>(rows.front());
  }

  Result<std::vector<AcmeRow>> children(AcmeTable table, const std::string& provisioner,
                                        const std::string& parentId) override {
    return select(table, selectSql(table, "parent_id") + " ORDER BY seq", provisioner, parentId);
  }

  Status update(const AcmeRow& r, const std::string& expectedStatus) override {
    return pgTransaction(
        *pool_, [&](PGconn* c) { return updateRow(c, r, expectedStatus); }, "updating an ACME object");
  }

  // The order first: its UPDATE decides (and holds the row against a
  // concurrent finalize), and a certificate row that cannot be inserted
  // rolls it back.
  Status completeOrder(const AcmeRow& order, const std::string& expectedOrderStatus,
                       const AcmeRow& certificate) override {
    return pgTransaction(
        *pool_,
        [&](PGconn* c) -> Status {
          SSHCA_RETURN_IF_ERROR(updateRow(c, order, expectedOrderStatus));
          return insertRow(c, certificate, 0);
        },
        "completing an ACME order");
  }

  Result<int64_t> count(AcmeTable table) override {
    int64_t n = 0;
    SSHCA_RETURN_IF_ERROR(pgRead(*pool_, [&](PGconn* c) -> Status {
      SSHCA_ASSIGN_OR_RETURN(
          PgResult r, pgExec(c, std::string("SELECT COUNT(*) FROM ") + acmeTableName(table), "counting ACME objects"));
      n = pgInt64(r.get(), 0, 0);
      return okStatus();
    }));
    return n;
  }

 private:
  Result<std::vector<AcmeRow>> select(AcmeTable table, const std::string& sql, const std::string& a,
                                      const std::string& b) {
    std::vector<AcmeRow> out;
    SSHCA_RETURN_IF_ERROR(pgRead(*pool_, [&](PGconn* c) -> Status {
      SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(c, sql, PgParams().add(a).add(b), "reading ACME objects"));
      for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(rowFrom(table, r.get(), i));
      return okStatus();
    }));
    return out;
  }

  std::unique_ptr<PostgresPool> pool_;
};

}  // namespace

Result<std::unique_ptr<AcmeStore>> openPostgresAcmeStore(const std::string& dsn, size_t connections) {
  auto pool = std::make_unique<PostgresPool>(dsn, connections);
  {
    SSHCA_ASSIGN_OR_RETURN(PostgresPool::Lease lease, pool->acquire());
    auto migrated = migratePostgres(lease.get());
    if (!migrated.ok()) return std::move(migrated).error().context(describeDsn(dsn));
  }
  return std::unique_ptr<AcmeStore>(std::make_unique<PostgresAcmeStore>(std::move(pool)));
}

}  // namespace sshca::store
