#include "ca/service/store/sqlite/sqlite_acme_store.h"

#include <mutex>

#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_transaction.h"

namespace sshca::store {
namespace {

constexpr const char* kColumns = "id, provisioner, account_id, parent_id, status, lookup_key, document, updated_at";

AcmeRow rowFrom(AcmeTable table, const SqliteStatement& s) {
  AcmeRow r;
  r.table = table;
  r.id = s.text(0);
  r.provisioner = s.text(1);
  r.accountId = s.text(2);
  r.parentId = s.text(3);
  r.status = s.text(4);
  r.lookupKey = s.text(5);
  r.document = s.text(6);
  r.updatedAt = s.integer(7);
  return r;
}

void bindLookupKey(SqliteStatement& s, int index, const std::string& key) {
  if (key.empty()) {
    s.bindNull(index);
  } else {
    s.bind(index, key);
  }
}

class SqliteAcmeStore final : public AcmeStore {
 public:
  explicit SqliteAcmeStore(SqliteDb db) : db_(std::move(db)) {}

  Status addNonce(const std::string& nonce, int64_t expiresAt) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(
        SqliteStatement s,
        SqliteStatement::prepare(db_.get(), "INSERT INTO acme_nonces (nonce, expires_at) VALUES (?, ?)"));
    s.bind(1, nonce).bind(2, expiresAt);
    return s.run();
  }

  // The DELETE decides: a second request with the nonce deletes nothing,
  // whichever process it reached.
  Result<bool> consumeNonce(const std::string& nonce, int64_t now) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(),
                                                                       "DELETE FROM acme_nonces WHERE nonce = ? "
                                                                       "AND expires_at >= ?"));
    s.bind(1, nonce).bind(2, now);
    SSHCA_RETURN_IF_ERROR(s.run());
    return sqlite3_changes(db_.get()) == 1;
  }

  Status pruneNonces(int64_t now) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s,
                           SqliteStatement::prepare(db_.get(), "DELETE FROM acme_nonces WHERE expires_at < ?"));
    s.bind(1, now);
    return s.run();
  }

  Status insert(const std::vector<AcmeRow>& rows) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    int64_t seq = 0;
    for (const AcmeRow& r : rows) SSHCA_RETURN_IF_ERROR(insertRow(r, seq++));
    return tx.commit();
  }

  Result<AcmeRow> find(AcmeTable table, const std::string& provisioner, const std::string& id) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(), selectSql(table, "id")));
    s.bind(1, provisioner).bind(2, id);
    SSHCA_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return makeError(ErrorCode::NotFound, std::string(acmeTableName(table)) + ": no such object");
    return rowFrom(table, s);
  }

  Result<std::optional<AcmeRow>> findByLookupKey(AcmeTable table, const std::string& provisioner,
                                                 const std::string& key) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(), selectSql(table, "lookup_key")));
    s.bind(1, provisioner).bind(2, key);
    SSHCA_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) return std::optional<AcmeRow>();
    return std::optional<AcmeRow>(rowFrom(table, s));
  }

  Result<std::vector<AcmeRow>> children(AcmeTable table, const std::string& provisioner,
                                        const std::string& parentId) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s,
                           SqliteStatement::prepare(db_.get(), selectSql(table, "parent_id") + " ORDER BY seq"));
    s.bind(1, provisioner).bind(2, parentId);
    std::vector<AcmeRow> out;
    while (true) {
      SSHCA_ASSIGN_OR_RETURN(bool row, s.step());
      if (!row) break;
      out.push_back(rowFrom(table, s));
    }
    return out;
  }

  Status update(const AcmeRow& r, const std::string& expectedStatus) override {
    std::lock_guard lock(mu_);
    return updateRow(r, expectedStatus);
  }

  // The order first: its compare-and-set decides, and a certificate row
  // that cannot be inserted rolls it back.
  Status completeOrder(const AcmeRow& order, const std::string& expectedOrderStatus,
                       const AcmeRow& certificate) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db_.get()));
    SSHCA_RETURN_IF_ERROR(updateRow(order, expectedOrderStatus));
    SSHCA_RETURN_IF_ERROR(insertRow(certificate, 0));
    return tx.commit();
  }

  Result<int64_t> count(AcmeTable table) override {
    std::lock_guard lock(mu_);
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(), std::string("SELECT COUNT(*) FROM ") +
                                                                                      acmeTableName(table)));
    SSHCA_ASSIGN_OR_RETURN(bool row, s.step());
    return row ? s.integer(0) : 0;
  }

 private:
  // insertRow and updateRow run under mu_, inside the caller's transaction
  // if it has one.
  Status insertRow(const AcmeRow& r, int64_t seq) {
    std::string sql = std::string("INSERT INTO ") + acmeTableName(r.table) + " (" + kColumns +
                      ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(), sql));
    s.bind(1, r.id).bind(2, r.provisioner).bind(3, r.accountId).bind(4, r.parentId).bind(5, r.status);
    bindLookupKey(s, 6, r.lookupKey);
    s.bind(7, r.document).bind(8, r.updatedAt).bind(9, seq);
    Status st = s.run();
    if (!st.ok() && st.error().code == ErrorCode::AlreadyExists)
      return makeError(ErrorCode::AlreadyExists, std::string(acmeTableName(r.table)) + ": the row exists already");
    return st;
  }

  Status updateRow(const AcmeRow& r, const std::string& expectedStatus) {
    std::string sql = std::string("UPDATE ") + acmeTableName(r.table) +
                      " SET status = ?, lookup_key = ?, document = ?, updated_at = ? "
                      "WHERE provisioner = ? AND id = ? AND status = ?";
    SSHCA_ASSIGN_OR_RETURN(SqliteStatement s, SqliteStatement::prepare(db_.get(), sql));
    s.bind(1, r.status);
    bindLookupKey(s, 2, r.lookupKey);
    s.bind(3, r.document).bind(4, r.updatedAt).bind(5, r.provisioner).bind(6, r.id).bind(7, expectedStatus);
    SSHCA_RETURN_IF_ERROR(s.run());
    if (sqlite3_changes(db_.get()) != 1)
      return makeError(ErrorCode::AlreadyExists, std::string(acmeTableName(r.table)) +
                                                     ": the object changed meanwhile (not " + expectedStatus + ")");
    return okStatus();
  }

  static std::string selectSql(AcmeTable table, const char* byColumn) {
    return std::string("SELECT ") + kColumns + " FROM " + acmeTableName(table) + " WHERE provisioner = ? AND " +
           byColumn + " = ?";
  }

  std::mutex mu_;
  SqliteDb db_;
};

}  // namespace

Result<std::unique_ptr<AcmeStore>> openSqliteAcmeStore(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db, openWriterConnection(path, SQLITE_OPEN_FULLMUTEX));
  return std::unique_ptr<AcmeStore>(std::make_unique<SqliteAcmeStore>(std::move(db)));
}

}  // namespace sshca::store
