#include "ca/service/store/sqlite/sqlite_ssh_rows.h"

#include <limits>
#include <variant>

#include "ca/core/x509/revocation_reason.h"
#include "ca/service/store/integer_columns.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

namespace {

constexpr const char* kSelect =
    "SELECT id, ca_fingerprint, serial, cert_type, key_id, valid_after, valid_before, key_fingerprint, "
    "provisioner, subject, certificate, issued_at, revoked_at, revocation_reason FROM ssh_certificates ";

// SqliteStatement binds text, not blobs: the certificate's bytes go in as
// text of explicit length (any byte, NUL included, kept) and the SQL casts
// them to a BLOB, which in a UTF-8 database keeps the bytes unchanged.
// An empty vector may have no buffer, and a null pointer binds SQL NULL.
std::string_view blobAsText(const Bytes& b) { return b.empty() ? std::string_view("") : asString(b); }
Bytes blobFromText(const std::string& s) { return Bytes(s.begin(), s.end()); }

SshCertificateRecord recordFrom(const SqliteStatement& row) {
  SshCertificateRecord r;
  r.caFingerprint = row.text(1);
  r.serial = serialFromColumn(row.integer(2));
  r.certType = row.text(3);
  r.keyId = row.text(4);
  r.validAfter = timeFromColumn(row.integer(5));
  r.validBefore = timeFromColumn(row.integer(6));
  r.keyFingerprint = row.text(7);
  r.provisioner = row.text(8);
  r.subject = row.text(9);
  r.certificate = blobFromText(row.text(10));
  r.issuedAt = row.integer(11);
  r.revokedAt = row.optionalInteger(12);
  r.revocationReason = row.text(13);
  return r;
}

Result<std::vector<std::string>> selectPrincipals(SqliteConn db, int64_t certificateId) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT principal FROM ssh_certificate_principals "
                                                  "WHERE certificate_id = ? ORDER BY position"));
  stmt.bind(1, certificateId);
  std::vector<std::string> out;
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return out;
    out.push_back(stmt.text(0));
  }
}

// Steps a prepared SELECT of kSelect's columns, attaching principals.
Status visitRows(SqliteConn db, SqliteStatement& stmt, const SshCertificateVisitor& visit) {
  for (;;) {
    SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
    if (!row) return okStatus();
    SshCertificateRecord r = recordFrom(stmt);
    SSHCA_ASSIGN_OR_RETURN(r.principals, selectPrincipals(db, stmt.integer(0)));
    SSHCA_RETURN_IF_ERROR(visit(std::move(r)));
  }
}

Result<std::vector<SshCertificateRecord>> collect(SqliteConn db, SqliteStatement& stmt) {
  std::vector<SshCertificateRecord> out;
  SSHCA_RETURN_IF_ERROR(visitRows(db, stmt, [&out](SshCertificateRecord r) {
    out.push_back(std::move(r));
    return okStatus();
  }));
  return out;
}

// One multi-row INSERT: SqliteStatement cannot be reset and rebound, and
// one statement is cheaper than one per principal anyway.
Status insertPrincipals(SqliteConn db, int64_t certificateId, const std::vector<std::string>& principals) {
  if (principals.empty()) return okStatus();
  std::string sql = "INSERT INTO ssh_certificate_principals (certificate_id, position, principal) VALUES ";
  for (size_t i = 0; i < principals.size(); ++i) sql += i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, sql));
  for (size_t i = 0; i < principals.size(); ++i) {
    int base = static_cast<int>(3 * i);
    stmt.bind(base + 1, certificateId).bind(base + 2, static_cast<int64_t>(i)).bind(base + 3, principals[i]);
  }
  return stmt.run();
}

void bindRevocation(SqliteStatement& stmt, const SshCertificateRecord& r) {
  if (r.revokedAt)
    stmt.bind(12, *r.revokedAt);
  else
    stmt.bindNull(12);
  stmt.bind(13, r.revocationReason);
}

// The WHERE clause of a query and its values in bind order.
struct QueryClause {
  std::string sql;
  std::vector<std::variant<std::string, int64_t>> values;

  void add(const std::string& condition) { sql += (sql.empty() ? "WHERE " : " AND ") + condition; }
  template <class T>
  void add(const std::string& condition, T value) {
    add(condition);
    values.emplace_back(std::move(value));
  }
};

QueryClause whereOf(const SshCertificateQuery& q) {
  QueryClause c;
  if (q.serial) c.add("serial = ?", serialToColumn(*q.serial));
  if (q.certType) c.add("cert_type = ?", *q.certType);
  if (q.principal)
    c.add("id IN (SELECT certificate_id FROM ssh_certificate_principals WHERE principal = ?)", *q.principal);
  if (q.keyId) c.add("key_id = ?", *q.keyId);
  if (q.subject) c.add("subject = ?", *q.subject);
  if (q.provisioner) c.add("provisioner = ?", *q.provisioner);
  if (q.keyFingerprint) c.add("key_fingerprint = ?", *q.keyFingerprint);
  if (q.revoked) c.add(*q.revoked ? "revoked_at IS NOT NULL" : "revoked_at IS NULL");
  if (q.unexpiredAt) c.add("valid_before > ?", *q.unexpiredAt);
  if (q.expiringBy) c.add("valid_before <= ?", *q.expiringBy);
  return c;
}

}  // namespace

Result<std::vector<SshCertificateRecord>> selectSshCertificates(SqliteConn db, const SshCertificateQuery& query) {
  QueryClause where = whereOf(query);
  std::string sql = std::string(kSelect) + where.sql + " ORDER BY id";
  if (query.limit > 0) sql += " LIMIT " + std::to_string(query.limit);
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, sql));
  int index = 1;
  for (const auto& v : where.values) std::visit([&](const auto& value) { stmt.bind(index++, value); }, v);
  return collect(db, stmt);
}

Status insertSshCertificateRow(SqliteConn db, const SshCertificateRecord& r) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(db,
                               "INSERT INTO ssh_certificates (ca_fingerprint, serial, cert_type, key_id, "
                               "valid_after, valid_before, key_fingerprint, provisioner, subject, certificate, "
                               "issued_at, revoked_at, revocation_reason) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS BLOB), ?, ?, ?)"));
  stmt.bind(1, r.caFingerprint).bind(2, serialToColumn(r.serial)).bind(3, r.certType).bind(4, r.keyId);
  stmt.bind(5, timeToColumn(r.validAfter)).bind(6, timeToColumn(r.validBefore));
  stmt.bind(7, r.keyFingerprint).bind(8, r.provisioner).bind(9, r.subject);
  stmt.bind(10, blobAsText(r.certificate)).bind(11, r.issuedAt);
  bindRevocation(stmt, r);
  Status s = stmt.run();
  if (!s.ok() && s.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::AlreadyExists,
                     "serial " + std::to_string(r.serial) + " of CA " + r.caFingerprint + " is already recorded");
  SSHCA_RETURN_IF_ERROR(s);
  return insertPrincipals(db, sqlite3_last_insert_rowid(db), r.principals);
}

Result<std::optional<SshCertificateRecord>> selectSshCertificateBySerial(SqliteConn db,
                                                                         const std::string& caFingerprint,
                                                                         uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(db, std::string(kSelect) + "WHERE ca_fingerprint = ? AND serial = ?"));
  stmt.bind(1, caFingerprint).bind(2, serialToColumn(serial));
  SSHCA_ASSIGN_OR_RETURN(std::vector<SshCertificateRecord> found, collect(db, stmt));
  if (found.empty()) return std::optional<SshCertificateRecord>();
  return std::optional<SshCertificateRecord>(std::move(found.front()));
}

Result<std::vector<SshCertificateRecord>> selectSshCertificatesByKeyId(SqliteConn db, const std::string& keyId) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db, std::string(kSelect) + "WHERE key_id = ? ORDER BY id"));
  stmt.bind(1, keyId);
  return collect(db, stmt);
}

// Host names are case-insensitive; step-ca stores them in lower case.
static std::string asciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The principal index answers both spellings; no scan of the table.
Result<bool> selectHostPrincipalExists(SqliteConn db, const std::string& principal, int64_t now) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT 1 FROM ssh_certificate_principals p "
                                                  "JOIN ssh_certificates c ON c.id = p.certificate_id "
                                                  "WHERE p.principal IN (?, ?) AND c.cert_type = 'host' "
                                                  "AND c.revoked_at IS NULL AND c.valid_before > ? LIMIT 1"));
  stmt.bind(1, principal).bind(2, asciiLower(principal)).bind(3, now);
  return stmt.step();
}

Result<std::optional<uint64_t>> selectLatestValidBefore(SqliteConn db, const std::string& caFingerprint) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "SELECT valid_before FROM ssh_certificates WHERE ca_fingerprint = ? "
                                                  "ORDER BY valid_before DESC LIMIT 1"));
  stmt.bind(1, caFingerprint);
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return std::optional<uint64_t>{};
  return std::optional<uint64_t>{timeFromColumn(stmt.integer(0))};
}

Result<std::vector<SshCertificateRecord>> selectRevokedSshCertificates(SqliteConn db, const std::string& caFingerprint,
                                                                       int64_t now) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(db, std::string(kSelect) + "WHERE ca_fingerprint = ? AND revoked_at IS NOT NULL "
                                                          "AND valid_before > ? ORDER BY id"));
  stmt.bind(1, caFingerprint).bind(2, now);
  return collect(db, stmt);
}

Status forEachSshCertificateRow(SqliteConn db, const SshCertificateVisitor& visit) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, std::string(kSelect) + "ORDER BY id"));
  return visitRows(db, stmt, visit);
}

namespace {

// The TLS certificates a host got by proving this host certificate
// (POST /x509/sign) lose their proof with it: revoked in the same
// transaction, so the next CRL lists them.
Status revokeTlsCertificatesOfHost(SqliteConn db, const std::string& caFingerprint, uint64_t serial, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(
      SqliteStatement stmt,
      SqliteStatement::prepare(db,
                               "UPDATE x509_certificates SET revoked_at = ?, reason = ? "
                               "WHERE ssh_serial = ? AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM "
                               "ssh_certificates WHERE ca_fingerprint = ? AND serial = ? AND cert_type = 'host')"));
  stmt.bind(1, at)
      .bind(2, static_cast<int64_t>(x509::RevocationReason::CessationOfOperation))
      .bind(3, serialToColumn(serial))
      .bind(4, caFingerprint)
      .bind(5, serialToColumn(serial));
  return stmt.run();
}

}  // namespace

// The UPDATE only touches an unrevoked row; when it touches none, a lookup
// in the same transaction tells "unknown" from "revoked already".
Result<bool> markSshCertificateRevoked(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                                       const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt,
                         SqliteStatement::prepare(db,
                                                  "UPDATE ssh_certificates SET revoked_at = ?, "
                                                  "revocation_reason = ? WHERE ca_fingerprint = ? AND "
                                                  "serial = ? AND revoked_at IS NULL"));
  stmt.bind(1, at).bind(2, reason).bind(3, caFingerprint).bind(4, serialToColumn(serial));
  SSHCA_RETURN_IF_ERROR(stmt.run());
  if (sqlite3_changes(db) != 1) return false;
  SSHCA_RETURN_IF_ERROR(revokeTlsCertificatesOfHost(db, caFingerprint, serial, at));
  return true;
}

Status revokeSshCertificateRow(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                               const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(bool changed, markSshCertificateRevoked(db, caFingerprint, serial, reason, at));
  if (changed) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(auto existing, selectSshCertificateBySerial(db, caFingerprint, serial));
  std::string what = "serial " + std::to_string(serial) + " of CA " + caFingerprint;
  if (!existing) return makeError(ErrorCode::NotFound, "no certificate with " + what + " in the database");
  return makeError(ErrorCode::AlreadyExists, "the certificate with " + what + " is already revoked");
}

}  // namespace sshca::store
