#include "ca/service/store/postgres/postgres_ssh_rows.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "ca/core/x509/revocation_reason.h"
#include "ca/service/store/integer_columns.h"
#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

namespace {

constexpr const char* kSelect =
    "SELECT c.ca_fingerprint, c.serial, c.cert_type, c.key_id, c.valid_after, c.valid_before, "
    "c.key_fingerprint, c.provisioner, c.subject, c.certificate, c.issued_at, c.revoked_at, "
    "c.revocation_reason, COALESCE((SELECT json_agg(p.principal ORDER BY p.position) "
    "FROM ssh_certificate_principals p WHERE p.certificate_id = c.id), '[]') FROM ssh_certificates c ";

Result<std::vector<std::string>> principalsFrom(const std::string& jsonText) {
  try {
    return nlohmann::json::parse(jsonText).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return makeError(ErrorCode::Internal, std::string("database: unreadable principals: ") + e.what());
  }
}

Result<SshCertificateRecord> recordFrom(const PGresult* r, int row) {
  SshCertificateRecord c;
  c.caFingerprint = pgText(r, row, 0);
  c.serial = serialFromColumn(pgInt64(r, row, 1));
  c.certType = pgText(r, row, 2);
  c.keyId = pgText(r, row, 3);
  c.validAfter = timeFromColumn(pgInt64(r, row, 4));
  c.validBefore = timeFromColumn(pgInt64(r, row, 5));
  c.keyFingerprint = pgText(r, row, 6);
  c.provisioner = pgText(r, row, 7);
  c.subject = pgText(r, row, 8);
  SSHCA_ASSIGN_OR_RETURN(c.certificate, pgBytea(r, row, 9));
  c.issuedAt = pgInt64(r, row, 10);
  c.revokedAt = pgOptionalInt64(r, row, 11);
  c.revocationReason = pgText(r, row, 12);
  SSHCA_ASSIGN_OR_RETURN(c.principals, principalsFrom(pgText(r, row, 13)));
  return c;
}

Result<std::vector<SshCertificateRecord>> selectRecords(PGconn* conn, const std::string& where,
                                                        const PgParams& params) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn, kSelect + where, params, "reading SSH certificates"));
  std::vector<SshCertificateRecord> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    SSHCA_ASSIGN_OR_RETURN(SshCertificateRecord rec, recordFrom(r.get(), i));
    out.push_back(std::move(rec));
  }
  return out;
}

std::string what(const std::string& caFingerprint, uint64_t serial) {
  return "serial " + std::to_string(serial) + " of CA " + caFingerprint;
}

// The WHERE clause of a query, its values numbered $1.. in order.
struct QueryClause {
  std::string sql;
  PgParams params;

  void add(const std::string& condition) { sql += (sql.empty() ? "WHERE " : " AND ") + condition; }
  template <class T>
  void add(const std::string& condition, const T& value) {
    params.add(value);
    std::string placeholder = "$" + std::to_string(params.count());
    std::string filled = condition;
    filled.replace(filled.find('?'), 1, placeholder);
    add(filled);
  }
};

QueryClause whereOf(const SshCertificateQuery& q) {
  QueryClause c;
  if (q.serial) c.add("c.serial = ?", serialToColumn(*q.serial));
  if (q.certType) c.add("c.cert_type = ?", *q.certType);
  if (q.principal)
    c.add("c.id IN (SELECT certificate_id FROM ssh_certificate_principals WHERE principal = ?)", *q.principal);
  if (q.keyId) c.add("c.key_id = ?", *q.keyId);
  if (q.subject) c.add("c.subject = ?", *q.subject);
  if (q.provisioner) c.add("c.provisioner = ?", *q.provisioner);
  if (q.keyFingerprint) c.add("c.key_fingerprint = ?", *q.keyFingerprint);
  if (q.revoked) c.add(*q.revoked ? "c.revoked_at IS NOT NULL" : "c.revoked_at IS NULL");
  if (q.unexpiredAt) c.add("c.valid_before > ?", *q.unexpiredAt);
  if (q.expiringBy) c.add("c.valid_before <= ?", *q.expiringBy);
  return c;
}

}  // namespace

Result<std::vector<SshCertificateRecord>> pgSelectSshCertificates(PGconn* conn, const SshCertificateQuery& query) {
  QueryClause where = whereOf(query);
  std::string sql = where.sql + " ORDER BY c.id";
  if (query.limit > 0) sql += " LIMIT " + std::to_string(query.limit);
  return selectRecords(conn, sql, where.params);
}

Status pgInsertSshCertificate(PGconn* conn, const SshCertificateRecord& r) {
  // The principals travel as one JSON array (json_array_elements_text):
  // no per-principal statement, and no escaping of our own.
  static constexpr const char* kSql =
      "WITH c AS (INSERT INTO ssh_certificates (ca_fingerprint, serial, cert_type, key_id, valid_after, "
      "valid_before, key_fingerprint, provisioner, subject, certificate, issued_at, revoked_at, "
      "revocation_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id) "
      "INSERT INTO ssh_certificate_principals (certificate_id, position, principal) "
      "SELECT c.id, p.ord - 1, p.value FROM c, json_array_elements_text($14::json) WITH ORDINALITY AS p(value, ord)";
  std::string principals;
  try {
    principals = nlohmann::json(r.principals).dump();
  } catch (const nlohmann::json::exception& e) {
    return makeError(ErrorCode::InvalidArgument, std::string("principals are not valid UTF-8: ") + e.what());
  }
  PgParams p;
  p.add(r.caFingerprint).add(serialToColumn(r.serial)).add(r.certType).add(r.keyId);
  p.add(timeToColumn(r.validAfter)).add(timeToColumn(r.validBefore)).add(r.keyFingerprint).add(r.provisioner);
  p.add(r.subject).addBytes(r.certificate).add(r.issuedAt).add(r.revokedAt).add(r.revocationReason);
  p.add(principals);
  auto done = pgExec(conn, kSql, p, "recording " + what(r.caFingerprint, r.serial));
  if (!done.ok() && done.error().code == ErrorCode::AlreadyExists)
    return makeError(ErrorCode::AlreadyExists, what(r.caFingerprint, r.serial) + " is already recorded");
  if (!done.ok()) return std::move(done).error();
  return okStatus();
}

Result<std::optional<SshCertificateRecord>> pgSelectSshCertificateBySerial(PGconn* conn,
                                                                           const std::string& caFingerprint,
                                                                           uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(auto found, selectRecords(conn, "WHERE c.ca_fingerprint = $1 AND c.serial = $2",
                                                   PgParams().add(caFingerprint).add(serialToColumn(serial))));
  if (found.empty()) return std::optional<SshCertificateRecord>();
  return std::optional<SshCertificateRecord>(std::move(found.front()));
}

Result<std::vector<SshCertificateRecord>> pgSelectSshCertificatesByKeyId(PGconn* conn, const std::string& keyId) {
  return selectRecords(conn, "WHERE c.key_id = $1 ORDER BY c.id", PgParams().add(keyId));
}

// Host names are case-insensitive; step-ca stores them in lower case.
static std::string asciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

Result<bool> pgSelectHostPrincipalExists(PGconn* conn, const std::string& principal, int64_t now) {
  SSHCA_ASSIGN_OR_RETURN(
      PgResult r, pgExec(conn,
                         "SELECT 1 FROM ssh_certificate_principals p "
                         "JOIN ssh_certificates c ON c.id = p.certificate_id "
                         "WHERE p.principal IN ($1, $2) AND c.cert_type = 'host' "
                         "AND c.revoked_at IS NULL AND c.valid_before > $3 LIMIT 1",
                         PgParams().add(principal).add(asciiLower(principal)).add(now), "looking up a host principal"));
  return PQntuples(r.get()) == 1;
}

Result<std::optional<uint64_t>> pgSelectLatestValidBefore(PGconn* conn, const std::string& caFingerprint) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r, pgExec(conn,
                                            "SELECT valid_before FROM ssh_certificates WHERE ca_fingerprint = $1 "
                                            "ORDER BY valid_before DESC LIMIT 1",
                                            PgParams().add(caFingerprint), "reading the newest certificate's expiry"));
  if (PQntuples(r.get()) != 1) return std::optional<uint64_t>{};
  return std::optional<uint64_t>{timeFromColumn(pgInt64(r.get(), 0, 0))};
}

Result<bool> pgLockUnrevokedSshCertificate(PGconn* conn, const std::string& caFingerprint, uint64_t serial) {
  SSHCA_ASSIGN_OR_RETURN(
      PgResult r, pgExec(conn,
                         "SELECT revoked_at FROM ssh_certificates "
                         "WHERE ca_fingerprint = $1 AND serial = $2 FOR SHARE",
                         PgParams().add(caFingerprint).add(serialToColumn(serial)), "reading the renewed certificate"));
  return PQntuples(r.get()) == 1 && !pgOptionalInt64(r.get(), 0, 0).has_value();
}

Result<std::vector<SshCertificateRecord>> pgSelectRevokedSshCertificates(PGconn* conn, const std::string& caFingerprint,
                                                                         int64_t now) {
  return selectRecords(conn,
                       "WHERE c.ca_fingerprint = $1 AND c.revoked_at IS NOT NULL AND c.valid_before > $2 "
                       "ORDER BY c.id",
                       PgParams().add(caFingerprint).add(now));
}

namespace {

// The TLS certificates a host got by proving this host certificate
// (POST /x509/sign) lose their proof with it: revoked in the same
// transaction, so the next CRL lists them.
Status pgRevokeTlsCertificatesOfHost(PGconn* conn, const std::string& caFingerprint, uint64_t serial, int64_t at) {
  auto r = pgExec(conn,
                  "UPDATE x509_certificates SET revoked_at = $1, reason = $2 "
                  "WHERE ssh_serial = $3 AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM ssh_certificates "
                  "WHERE ca_fingerprint = $4 AND serial = $3 AND cert_type = 'host')",
                  PgParams()
                      .add(at)
                      .add(static_cast<int64_t>(x509::RevocationReason::CessationOfOperation))
                      .add(serialToColumn(serial))
                      .add(caFingerprint),
                  "revoking the TLS certificates of " + what(caFingerprint, serial));
  if (!r.ok()) return std::move(r).error();
  return okStatus();
}

}  // namespace

// The UPDATE only touches an unrevoked row; when it touches none, a lookup
// in the same transaction tells "unknown" from "revoked already".
Result<bool> pgMarkSshCertificateRevoked(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                                         const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(PgResult r,
                         pgExec(conn,
                                "UPDATE ssh_certificates SET revoked_at = $1, revocation_reason = $2 "
                                "WHERE ca_fingerprint = $3 AND serial = $4 AND revoked_at IS NULL",
                                PgParams().add(at).add(reason).add(caFingerprint).add(serialToColumn(serial)),
                                "revoking " + what(caFingerprint, serial)));
  if (std::string_view(PQcmdTuples(r.get())) != "1") return false;
  SSHCA_RETURN_IF_ERROR(pgRevokeTlsCertificatesOfHost(conn, caFingerprint, serial, at));
  return true;
}

Status pgRevokeSshCertificate(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                              const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(bool changed, pgMarkSshCertificateRevoked(conn, caFingerprint, serial, reason, at));
  if (changed) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(auto existing, pgSelectSshCertificateBySerial(conn, caFingerprint, serial));
  if (!existing)
    return makeError(ErrorCode::NotFound, "no certificate with " + what(caFingerprint, serial) + " in the database");
  return makeError(ErrorCode::AlreadyExists,
                   "the certificate with " + what(caFingerprint, serial) + " is already revoked");
}

}  // namespace sshca::store
