#include "ca/service/store/postgres/postgres_migrations.h"

#include <array>
#include <string>

#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_transaction.h"

namespace sshca::store {

namespace {

// pg_advisory_xact_lock key: "sshc" in ASCII. Only sshca's migrations take it.
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(1936943203)";

// Migration N (1-based) brings the schema from version N-1 to N. Version 1
// is SQLite's version 2 (the SSH tables; the X.509 tables of `sshca pki`
// came with version 4, for the online CA's TLS certificates), with bigint
// and bytea: serials are the
// uint64 bits read as a signed bigint, validity bounds past INT64_MAX are
// stored as INT64_MAX ("forever").
constexpr std::array<const char*, 5> kMigrations{
    R"sql(
      CREATE TABLE ssh_certificates (
        id                bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ca_fingerprint    text    NOT NULL,
        serial            bigint  NOT NULL,
        cert_type         text    NOT NULL CHECK (cert_type IN ('user', 'host')),
        key_id            text    NOT NULL,
        valid_after       bigint  NOT NULL,
        valid_before      bigint  NOT NULL,
        key_fingerprint   text    NOT NULL,
        provisioner       text    NOT NULL,
        subject           text    NOT NULL,
        certificate       bytea   NOT NULL,
        issued_at         bigint  NOT NULL,
        revoked_at        bigint,
        revocation_reason text    NOT NULL DEFAULT '',
        UNIQUE (ca_fingerprint, serial)
      );
      CREATE INDEX ssh_certificates_key_id ON ssh_certificates (key_id);
      CREATE INDEX ssh_certificates_revoked ON ssh_certificates (ca_fingerprint, valid_before)
        WHERE revoked_at IS NOT NULL;
      CREATE TABLE ssh_certificate_principals (
        certificate_id bigint  NOT NULL REFERENCES ssh_certificates (id) ON DELETE CASCADE,
        position       integer NOT NULL,
        principal      text    NOT NULL,
        PRIMARY KEY (certificate_id, position)
      );
      CREATE INDEX ssh_certificate_principals_principal ON ssh_certificate_principals (principal);
      CREATE TABLE used_tokens (
        provisioner text   NOT NULL,
        token_id    text   NOT NULL,
        expires_at  bigint NOT NULL,
        used_at     bigint NOT NULL,
        PRIMARY KEY (provisioner, token_id)
      );
      CREATE INDEX used_tokens_expires_at ON used_tokens (expires_at);
      CREATE TABLE krl_state (
        id      integer PRIMARY KEY CHECK (id = 1),
        version bigint  NOT NULL
      );
    )sql",
    // 2 (SQLite's 3): renewal chains. A renewal or rekey records which
    // certificate it replaced; a certificate is replaced at most once and
    // replaces at most one, so a chain is a line that a revocation walks
    // both ways. Renewals before this version left no record.
    R"sql(
      CREATE TABLE ssh_certificate_replacements (
        ca_fingerprint text   NOT NULL,
        old_serial     bigint NOT NULL,
        new_serial     bigint NOT NULL,
        replaced_at    bigint NOT NULL,
        PRIMARY KEY (ca_fingerprint, old_serial),
        UNIQUE (ca_fingerprint, new_serial)
      );
    )sql",
    // 3 (SQLite's 4): denied identities (`sshca deny`).
    R"sql(
      CREATE TABLE denied_identities (
        id       bigint GENERATED ALWAYS AS IDENTITY,
        kind     text   NOT NULL CHECK (kind IN ('subject', 'email', 'key-id', 'key')),
        value    text   NOT NULL,
        reason   text   NOT NULL,
        added_at bigint NOT NULL,
        PRIMARY KEY (kind, value)
      );
    )sql",
    // 4 (SQLite's 1 and 5): TLS certificates the online CA issues (POST
    // /x509/sign), with the provisioner and the SSH host certificate's
    // serial; their revocations and CRL numbers.
    R"sql(
      CREATE TABLE x509_certificates (
        id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        serial      text    NOT NULL UNIQUE,
        issuer      text    NOT NULL,
        subject     text    NOT NULL,
        sans        text    NOT NULL,
        not_before  bigint  NOT NULL,
        not_after   bigint  NOT NULL,
        profile     text    NOT NULL,
        pem         text    NOT NULL,
        revoked_at  bigint,
        reason      integer,
        provisioner text    NOT NULL DEFAULT '',
        ssh_serial  bigint,
        CHECK ((revoked_at IS NULL) = (reason IS NULL))
      );
      CREATE INDEX x509_certificates_revoked ON x509_certificates (issuer, revoked_at)
        WHERE revoked_at IS NOT NULL;
      CREATE INDEX x509_certificates_ssh_serial ON x509_certificates (ssh_serial)
        WHERE ssh_serial IS NOT NULL;
      CREATE TABLE x509_crls (
        issuer     text   NOT NULL,
        number     bigint NOT NULL,
        issued_at  bigint NOT NULL,
        PRIMARY KEY (issuer, number)
      );
    )sql",
    // 5 (SQLite's 6): the ACME server (RFC 8555): accounts, orders, authorizations,
    // challenges and issued certificates, each a row with the columns it is
    // found and guarded by and a JSON document (store/acme_store.h); and
    // the nonces handed out, each consumed by deleting its row.
    R"sql(
      CREATE TABLE acme_accounts (
        id text PRIMARY KEY, provisioner text NOT NULL, account_id text NOT NULL, parent_id text NOT NULL,
        status text NOT NULL, lookup_key text, document text NOT NULL, updated_at bigint NOT NULL,
        seq bigint NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE TABLE acme_orders (
        id text PRIMARY KEY, provisioner text NOT NULL, account_id text NOT NULL, parent_id text NOT NULL,
        status text NOT NULL, lookup_key text, document text NOT NULL, updated_at bigint NOT NULL,
        seq bigint NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_orders_account ON acme_orders (account_id);
      CREATE TABLE acme_authorizations (
        id text PRIMARY KEY, provisioner text NOT NULL, account_id text NOT NULL, parent_id text NOT NULL,
        status text NOT NULL, lookup_key text, document text NOT NULL, updated_at bigint NOT NULL,
        seq bigint NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_authorizations_parent ON acme_authorizations (parent_id);
      CREATE TABLE acme_challenges (
        id text PRIMARY KEY, provisioner text NOT NULL, account_id text NOT NULL, parent_id text NOT NULL,
        status text NOT NULL, lookup_key text, document text NOT NULL, updated_at bigint NOT NULL,
        seq bigint NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_challenges_parent ON acme_challenges (parent_id);
      CREATE TABLE acme_certificates (
        id text PRIMARY KEY, provisioner text NOT NULL, account_id text NOT NULL, parent_id text NOT NULL,
        status text NOT NULL, lookup_key text, document text NOT NULL, updated_at bigint NOT NULL,
        seq bigint NOT NULL, UNIQUE (provisioner, lookup_key));
      CREATE INDEX acme_certificates_parent ON acme_certificates (parent_id);
      CREATE TABLE acme_nonces (
        nonce      text    PRIMARY KEY,
        expires_at bigint NOT NULL
      );
      CREATE INDEX acme_nonces_expires_at ON acme_nonces (expires_at);
    )sql",
};

Result<int> currentVersion(PGconn* conn) {
  SSHCA_ASSIGN_OR_RETURN(
      PgResult r, pgExec(conn, "SELECT COALESCE(max(version), 0) FROM schema_version", "reading the schema version"));
  return static_cast<int>(pgInt64(r.get(), 0, 0));
}

Status applyPending(PGconn* conn) {
  SSHCA_RETURN_IF_ERROR(pgExec(conn, kLockSql, "taking the schema migration lock"));
  SSHCA_RETURN_IF_ERROR(pgExec(conn,
                               "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                               "applied_at timestamptz NOT NULL DEFAULT now())",
                               "creating schema_version"));
  SSHCA_ASSIGN_OR_RETURN(int current, currentVersion(conn));
  if (current > latestPostgresSchemaVersion())
    return makeError(ErrorCode::Unsupported, "the database has schema version " + std::to_string(current) +
                                                 ", newer than this sshca understands (" +
                                                 std::to_string(latestPostgresSchemaVersion()) + ")");
  for (int v = current + 1; v <= latestPostgresSchemaVersion(); ++v) {
    std::string what = "schema migration " + std::to_string(v);
    SSHCA_RETURN_IF_ERROR(pgExecScript(conn, kMigrations[static_cast<size_t>(v - 1)], what));
    SSHCA_RETURN_IF_ERROR(
        pgExec(conn, "INSERT INTO schema_version (version) VALUES ($1)", PgParams().add(int64_t{v}), what));
  }
  return okStatus();
}

}  // namespace

int latestPostgresSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migratePostgres(PGconn* conn) { return pgTransactionOn(conn, applyPending, "migrating the schema"); }

}  // namespace sshca::store
