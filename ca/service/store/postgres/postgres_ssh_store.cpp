#include "ca/service/store/postgres/postgres_ssh_store.h"

#include <optional>

#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_deny_rows.h"
#include "ca/service/store/postgres/postgres_migrations.h"
#include "ca/service/store/postgres/postgres_ssh_chain.h"
#include "ca/service/store/postgres/postgres_ssh_krl.h"
#include "ca/service/store/postgres/postgres_ssh_rows.h"
#include "ca/service/store/postgres/postgres_token_rows.h"
#include "ca/service/store/postgres/postgres_transaction.h"

namespace sshca::store {

namespace {

// Runs a read returning Result<T> on a pooled connection.
template <class T, class Read>
Result<T> readValue(PostgresPool& pool, Read read) {
  std::optional<T> out;
  Status st = pgRead(pool, [&](PGconn* conn) -> Status {
    auto r = read(conn);
    if (!r.ok()) return std::move(r).error();
    out = std::move(r).value();
    return okStatus();
  });
  if (!st.ok()) return std::move(st).error();
  return std::move(*out);
}

}  // namespace

Result<std::unique_ptr<PostgresSshStore>> PostgresSshStore::open(const std::string& dsn, size_t connections) {
  auto pool = std::make_unique<PostgresPool>(dsn, connections);
  {
    SSHCA_ASSIGN_OR_RETURN(PostgresPool::Lease lease, pool->acquire());
    auto migrated = migratePostgres(lease.get());
    if (!migrated.ok()) return std::move(migrated).error().context(describeDsn(dsn));
  }
  return std::unique_ptr<PostgresSshStore>(new PostgresSshStore(std::move(pool)));
}

std::optional<CommitCounts> PostgresSshStore::commitCounts() const {
  PostgresPool::CommitTally t = pool_->commitTally();
  return CommitCounts{t.commits, t.commits, t.commits > 0 ? 1u : 0u, t.seconds};
}

Status PostgresSshStore::insert(const SshCertificateRecord& record) {
  return pgTransaction(
      *pool_, [&](PGconn* c) { return pgInsertSshCertificate(c, record); }, "recording a certificate");
}

Result<std::optional<SshCertificateRecord>> PostgresSshStore::findBySerial(const std::string& caFingerprint,
                                                                           uint64_t serial) {
  return readValue<std::optional<SshCertificateRecord>>(
      *pool_, [&](PGconn* c) { return pgSelectSshCertificateBySerial(c, caFingerprint, serial); });
}

Result<std::vector<SshCertificateRecord>> PostgresSshStore::findByKeyId(const std::string& keyId) {
  return readValue<std::vector<SshCertificateRecord>>(
      *pool_, [&](PGconn* c) { return pgSelectSshCertificatesByKeyId(c, keyId); });
}

Result<std::vector<SshCertificateRecord>> PostgresSshStore::list(const SshCertificateQuery& query) {
  return readValue<std::vector<SshCertificateRecord>>(*pool_,
                                                      [&](PGconn* c) { return pgSelectSshCertificates(c, query); });
}

Result<bool> PostgresSshStore::hasHostPrincipal(const std::string& principal, int64_t now) {
  return readValue<bool>(*pool_, [&](PGconn* c) { return pgSelectHostPrincipalExists(c, principal, now); });
}

namespace {

// The chain's rows and the KRL version, inside the caller's transaction.
Result<std::vector<uint64_t>> pgRevokeAndBump(PGconn* c, const std::string& caFingerprint, uint64_t serial,
                                              const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(std::vector<uint64_t> revoked, pgRevokeSshChain(c, caFingerprint, serial, reason, at));
  SSHCA_RETURN_IF_ERROR(pgBumpKrlVersion(c));
  return revoked;
}

}  // namespace

Result<std::vector<uint64_t>> PostgresSshStore::revoke(const std::string& caFingerprint, uint64_t serial,
                                                       const std::string& reason, int64_t at) {
  std::vector<uint64_t> revoked;
  SSHCA_RETURN_IF_ERROR(pgTransaction(
      *pool_,
      [&](PGconn* c) -> Status {
        SSHCA_ASSIGN_OR_RETURN(revoked, pgRevokeAndBump(c, caFingerprint, serial, reason, at));
        return okStatus();
      },
      "revoking a certificate"));
  return revoked;
}

Result<std::optional<uint64_t>> PostgresSshStore::replacementOf(const std::string& caFingerprint, uint64_t serial) {
  return readValue<std::optional<uint64_t>>(*pool_,
                                            [&](PGconn* c) { return pgSelectReplacementOf(c, caFingerprint, serial); });
}

Status PostgresSshStore::revokeWithToken(const std::string& caFingerprint, uint64_t serial, const std::string& reason,
                                         int64_t at, const TokenUse& token) {
  return pgTransaction(
      *pool_,
      [&](PGconn* c) -> Status {
        SSHCA_RETURN_IF_ERROR(pgInsertUsedToken(c, token));
        SSHCA_RETURN_IF_ERROR(pgRevokeAndBump(c, caFingerprint, serial, reason, at));
        return okStatus();
      },
      "revoking a certificate with a one-time token");
}

Result<std::vector<SshCertificateRecord>> PostgresSshStore::revokedNotExpired(const std::string& caFingerprint,
                                                                              int64_t now) {
  return readValue<std::vector<SshCertificateRecord>>(
      *pool_, [&](PGconn* c) { return pgSelectRevokedSshCertificates(c, caFingerprint, now); });
}

Result<uint64_t> PostgresSshStore::krlVersion() {
  return readValue<uint64_t>(*pool_, [](PGconn* c) { return pgSelectKrlVersion(c); });
}

Result<std::optional<uint64_t>> PostgresSshStore::latestValidBefore(const std::string& caFingerprint) {
  return readValue<std::optional<uint64_t>>(*pool_,
                                            [&](PGconn* c) { return pgSelectLatestValidBefore(c, caFingerprint); });
}

Status PostgresSshStore::useToken(const std::string& tokenId, const std::string& provisioner, int64_t expiresAt,
                                  int64_t now) {
  TokenUse use{tokenId, provisioner, expiresAt, now};
  return pgTransaction(
      *pool_, [&](PGconn* c) { return pgInsertUsedToken(c, use); }, "using a one-time token");
}

Result<bool> PostgresSshStore::tokenUsed(const std::string& tokenId, const std::string& provisioner) {
  return readValue<bool>(*pool_, [&](PGconn* c) { return pgSelectUsedToken(c, tokenId, provisioner); });
}

Status PostgresSshStore::pruneExpired(int64_t now) {
  return pgTransaction(
      *pool_, [&](PGconn* c) { return pgDeleteExpiredTokens(c, now); }, "pruning spent tokens");
}

// Token first: a replayed token is reported as Replayed even if the serial
// collides too; any failure rolls back both rows.
Status PostgresSshStore::recordIssued(const SshCertificateRecord& record, const TokenUse& token) {
  return pgTransaction(
      *pool_,
      [&](PGconn* c) -> Status {
        SSHCA_RETURN_IF_ERROR(pgInsertUsedToken(c, token));
        return pgInsertSshCertificate(c, record);
      },
      "recording an issued certificate");
}

// The chain lock (shared) and the replaced row read FOR SHARE: a
// revocation waits for this transaction, or, committed first, is what this
// read sees.
Status PostgresSshStore::recordReplacement(const SshCertificateRecord& record, const TokenUse& token,
                                           const ReplacedCertificate& replaced) {
  return pgTransaction(
      *pool_,
      [&](PGconn* c) -> Status {
        SSHCA_RETURN_IF_ERROR(pgLockChainsShared(c));
        SSHCA_ASSIGN_OR_RETURN(bool live, pgLockUnrevokedSshCertificate(c, replaced.caFingerprint, replaced.serial));
        if (!live) return replacedCertificateRevoked(replaced);
        SSHCA_RETURN_IF_ERROR(pgInsertUsedToken(c, token));  // a replayed token is Replayed, before anything else
        SSHCA_RETURN_IF_ERROR(
            pgInsertReplacement(c, replaced.caFingerprint, replaced.serial, record.serial, record.issuedAt));
        return pgInsertSshCertificate(c, record);
      },
      "recording a renewed certificate");
}

Status PostgresSshStore::addDenied(const DeniedIdentity& denied) {
  return pgTransaction(
      *pool_, [&](PGconn* c) { return pgInsertDenied(c, denied); }, "denying an identity");
}

Status PostgresSshStore::removeDenied(const DenyKey& key) {
  return pgTransaction(
      *pool_, [&](PGconn* c) { return pgDeleteDenied(c, key); }, "removing a denial");
}

Result<std::vector<DeniedIdentity>> PostgresSshStore::listDenied() {
  return readValue<std::vector<DeniedIdentity>>(*pool_, [](PGconn* c) { return pgSelectDenied(c); });
}

Result<std::vector<DeniedIdentity>> PostgresSshStore::findDenied(const std::vector<DenyKey>& keys) {
  return readValue<std::vector<DeniedIdentity>>(*pool_, [&](PGconn* c) { return pgSelectDeniedAmong(c, keys); });
}

}  // namespace sshca::store
