#include "ca/service/store/sqlite/sqlite_migrations.h"

#include <array>
#include <string>

#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_transaction.h"

namespace sshca::store {

namespace {

// Migration N (1-based) brings the schema from version N-1 to N.
constexpr std::array<const char*, 6> kMigrations{
    // 1: issued X.509 certificates, their revocation, and CRL numbers.
    R"sql(
      CREATE TABLE x509_certificates (
        id          INTEGER PRIMARY KEY,
        serial      TEXT    NOT NULL UNIQUE,
        issuer      TEXT    NOT NULL,
        subject     TEXT    NOT NULL,
        sans        TEXT    NOT NULL,
        not_before  INTEGER NOT NULL,
        not_after   INTEGER NOT NULL,
        profile     TEXT    NOT NULL,
        pem         TEXT    NOT NULL,
        revoked_at  INTEGER,
        reason      INTEGER,
        CHECK ((revoked_at IS NULL) = (reason IS NULL))
      );
      CREATE INDEX x509_certificates_revoked ON x509_certificates (issuer, revoked_at)
        WHERE revoked_at IS NOT NULL;
      CREATE TABLE x509_crls (
        issuer     TEXT    NOT NULL,
        number     INTEGER NOT NULL,
        issued_at  INTEGER NOT NULL,
        PRIMARY KEY (issuer, number)
      );
    )sql",
    // 2: issued SSH certificates (serial unique per CA key), their
    // principals, used one-time token IDs, and the KRL version. Serials are
    // the uint64 bits read as a signed 64-bit integer; validity bounds past
    // INT64_MAX are stored as INT64_MAX ("forever").
    R"sql(
      CREATE TABLE ssh_certificates (
        id                INTEGER PRIMARY KEY,
        ca_fingerprint    TEXT    NOT NULL,
        serial            INTEGER NOT NULL,
        cert_type         TEXT    NOT NULL CHECK (cert_type IN ('user', 'host')),
        key_id            TEXT    NOT NULL,
        valid_after       INTEGER NOT NULL,
        valid_before      INTEGER NOT NULL,
        key_fingerprint   TEXT    NOT NULL,
        provisioner       TEXT    NOT NULL,
        subject           TEXT    NOT NULL,
        certificate       BLOB    NOT NULL,
        issued_at         INTEGER NOT NULL,
        revoked_at        INTEGER,
        revocation_reason TEXT    NOT NULL DEFAULT '',
        UNIQUE (ca_fingerprint, serial)
      );
      CREATE INDEX ssh_certificates_key_id ON ssh_certificates (key_id);
      CREATE INDEX ssh_certificates_revoked ON ssh_certificates (ca_fingerprint, valid_before)
        WHERE revoked_at IS NOT NULL;
      CREATE TABLE ssh_certificate_principals (
        certificate_id INTEGER NOT NULL REFERENCES ssh_certificates (id) ON DELETE CASCADE,
        position       INTEGER NOT NULL,
        principal      TEXT    NOT NULL,
        PRIMARY KEY (certificate_id, position)
      ) WITHOUT ROWID;
      CREATE INDEX ssh_certificate_principals_principal ON ssh_certificate_principals (principal);
      CREATE TABLE used_tokens (
        provisioner TEXT    NOT NULL,
        token_id    TEXT    NOT NULL,
        expires_at  INTEGER NOT NULL,
        used_at     INTEGER NOT NULL,
        PRIMARY KEY (provisioner, token_id)
      ) WITHOUT ROWID;
      CREATE INDEX used_tokens_expires_at ON used_tokens (expires_at);
      CREATE TABLE krl_state (
        id      INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL
      );
    )sql",
    // 3: renewal chains. A renewal or rekey records which certificate it
    // replaced; a certificate is replaced at most once and replaces at most
    // one, so a chain is a line that a revocation walks both ways.
    // Renewals before this version left no record (their chains are not
    // known; `sshca revoke --key-id` covers them).
    R"sql(
      CREATE TABLE ssh_certificate_replacements (
        ca_fingerprint TEXT    NOT NULL,
        old_serial     INTEGER NOT NULL,
        new_serial     INTEGER NOT NULL,
        replaced_at    INTEGER NOT NULL,
        PRIMARY KEY (ca_fingerprint, old_serial),
        UNIQUE (ca_fingerprint, new_serial)
      ) WITHOUT ROWID;
    )sql",
    // 4: denied identities (`sshca deny`): the CA issues nothing to them.
    R"sql(
      CREATE TABLE denied_identities (
        kind     TEXT    NOT NULL CHECK (kind IN ('subject', 'email', 'key-id', 'key')),
        value    TEXT    NOT NULL,
        reason   TEXT    NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (kind, value)
      );
    )sql",
    // 5: TLS certificates the online CA issues (POST /x509/sign): the
    // provisioner that authorised one and the serial of the SSH host
    // certificate it was issued against (NULL for `sshca pki`).
    R"sql(
      ALTER TABLE x509_certificates ADD COLUMN provisioner TEXT NOT NULL DEFAULT '';
      ALTER TABLE x509_certificates ADD COLUMN ssh_serial INTEGER;
      CREATE INDEX x509_certificates_ssh_serial ON x509_certificates (ssh_serial)
        WHERE ssh_serial IS NOT NULL;
    )sql",
    // 6: the ACME server (RFC 8555): accounts, orders, authorizations,
    // challenges and issued certificates, each a row with the columns it is
    // found and guarded by and a JSON document (store/acme_store.h); and
    // the nonces handed out, each consumed by deleting its row.
    R"sql(
      CREATE TABLE acme_accounts (
        id TEXT PRIMARY KEY, provisioner TEXT NOT NULL, account_id TEXT NOT NULL, parent_id TEXT NOT NULL,
        status TEXT NOT NULL, lookup_key TEXT, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE TABLE acme_orders (
        id TEXT PRIMARY KEY, provisioner TEXT NOT NULL, account_id TEXT NOT NULL, parent_id TEXT NOT NULL,
        status TEXT NOT NULL, lookup_key TEXT, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_orders_account ON acme_orders (account_id);
      CREATE TABLE acme_authorizations (
        id TEXT PRIMARY KEY, provisioner TEXT NOT NULL, account_id TEXT NOT NULL, parent_id TEXT NOT NULL,
        status TEXT NOT NULL, lookup_key TEXT, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_authorizations_parent ON acme_authorizations (parent_id);
      CREATE TABLE acme_challenges (
        id TEXT PRIMARY KEY, provisioner TEXT NOT NULL, account_id TEXT NOT NULL, parent_id TEXT NOT NULL,
        status TEXT NOT NULL, lookup_key TEXT, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_challenges_parent ON acme_challenges (parent_id);
      CREATE TABLE acme_certificates (
        id TEXT PRIMARY KEY, provisioner TEXT NOT NULL, account_id TEXT NOT NULL, parent_id TEXT NOT NULL,
        status TEXT NOT NULL, lookup_key TEXT, document TEXT NOT NULL, updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_certificates_parent ON acme_certificates (parent_id);
      CREATE TABLE acme_nonces (
        nonce      TEXT    PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX acme_nonces_expires_at ON acme_nonces (expires_at);
    )sql",
};

Status apply(sqlite3* db, int version) {
  SSHCA_ASSIGN_OR_RETURN(SqliteTransaction tx, SqliteTransaction::begin(db));
  // Re-read under the write lock: another process may have migrated.
  SSHCA_ASSIGN_OR_RETURN(int current, schemaVersion(db));
  if (current >= version) return okStatus();
  int rc = sqlite3_exec(db, kMigrations[static_cast<size_t>(version - 1)], nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db, rc, "schema migration " + std::to_string(version));
  std::string bump = "PRAGMA user_version = " + std::to_string(version);
  rc = sqlite3_exec(db, bump.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqliteError(db, rc, "setting the schema version");
  return tx.commit();
}

}  // namespace

int latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migrate(sqlite3* db) {
  SSHCA_ASSIGN_OR_RETURN(int current, schemaVersion(db));
  if (current > latestSchemaVersion())
    return makeError(ErrorCode::Unsupported, "the database has schema version " + std::to_string(current) +
                                                 ", newer than this sshca understands (" +
                                                 std::to_string(latestSchemaVersion()) + ")");
  for (int v = current + 1; v <= latestSchemaVersion(); ++v) SSHCA_RETURN_IF_ERROR(apply(db, v));
  return okStatus();
}

Result<int> schemaVersion(sqlite3* db) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db, "PRAGMA user_version"));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  return row ? static_cast<int>(stmt.integer(0)) : 0;
}

}  // namespace sshca::store
