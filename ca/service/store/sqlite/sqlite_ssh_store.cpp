#include "ca/service/store/sqlite/sqlite_ssh_store.h"

#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_deny_rows.h"
#include "ca/service/store/sqlite/sqlite_ssh_chain.h"
#include "ca/service/store/sqlite/sqlite_ssh_krl.h"
#include "ca/service/store/sqlite/sqlite_ssh_rows.h"
#include "ca/service/store/sqlite/sqlite_token_rows.h"

namespace sshca::store {

Result<std::unique_ptr<SqliteSshStore>> SqliteSshStore::open(const std::string& path, size_t maxBatch) {
  // The writer first: it creates and migrates the file the reader opens.
  SSHCA_ASSIGN_OR_RETURN(SqliteDb writer, openWriterConnection(path));
  SSHCA_ASSIGN_OR_RETURN(SqliteDb reader, openReaderConnection(path));
  SSHCA_ASSIGN_OR_RETURN(SqliteDb checkpoint, openCheckpointConnection(path));
  // Checkpoints come from the WalCheckpointer's thread, never from a
  // commit; the writer's hook tells it how long the WAL is (the hook
  // replaces the automatic checkpoint's).
  auto walLength = std::make_shared<WalLength>();
  walLength->attachTo(writer.get());
  auto barrier = std::make_shared<RestartBarrier>();
  auto committer = std::make_unique<GroupCommitter>(std::move(writer), maxBatch, barrier);
  auto checkpointer = std::make_unique<WalCheckpointer>(
      std::move(checkpoint), WalCheckpointer::kDefaultInterval, WalCheckpointer::kDefaultRestartFrames,
      WalCheckpointer::kDefaultSizeLimitBytes, barrier, walLength, WalCheckpointer::kDefaultPassInterval);
  return std::unique_ptr<SqliteSshStore>(
      new SqliteSshStore(std::move(walLength), std::move(reader), std::move(committer), std::move(checkpointer)));
}

SqliteSshStore::SqliteSshStore(std::shared_ptr<WalLength> walLength, SqliteDb reader,
                               std::unique_ptr<GroupCommitter> writer, std::unique_ptr<WalCheckpointer> checkpointer)
    : walLength_(std::move(walLength)),
      reader_(std::move(reader)),
      writer_(std::move(writer)),
      checkpointer_(std::move(checkpointer)) {}

SqliteSshStore::~SqliteSshStore() { close(); }

void SqliteSshStore::close() { writer_->shutdown(); }

GroupCommitStats SqliteSshStore::commitStats() const { return writer_->stats(); }

std::optional<CommitCounts> SqliteSshStore::commitCounts() const {
  GroupCommitStats s = writer_->stats();
  return CommitCounts{s.writes, s.commits, s.largestBatch, static_cast<double>(s.commitMicros) / 1e6};
}

Status SqliteSshStore::insert(const SshCertificateRecord& record) {
  return writer_->write([&record](SqliteConn db) { return insertSshCertificateRow(db, record); });
}

Result<std::optional<SshCertificateRecord>> SqliteSshStore::findBySerial(const std::string& caFingerprint,
                                                                         uint64_t serial) {
  std::lock_guard lock(readMu_);
  return selectSshCertificateBySerial(reader(), caFingerprint, serial);
}

Result<std::vector<SshCertificateRecord>> SqliteSshStore::findByKeyId(const std::string& keyId) {
  std::lock_guard lock(readMu_);
  return selectSshCertificatesByKeyId(reader(), keyId);
}

Result<std::vector<SshCertificateRecord>> SqliteSshStore::list(const SshCertificateQuery& query) {
  std::lock_guard lock(readMu_);
  // Not through the cache: a listing builds its SQL from the query.
  return selectSshCertificates(reader_.get(), query);
}

Result<bool> SqliteSshStore::hasHostPrincipal(const std::string& principal, int64_t now) {
  std::lock_guard lock(readMu_);
  return selectHostPrincipalExists(reader(), principal, now);
}

namespace {

// The chain's rows and the KRL version, inside the caller's transaction.
Result<std::vector<uint64_t>> revokeAndBump(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                                            const std::string& reason, int64_t at) {
  SSHCA_ASSIGN_OR_RETURN(std::vector<uint64_t> revoked, revokeSshChainRows(db, caFingerprint, serial, reason, at));
  SSHCA_RETURN_IF_ERROR(bumpKrlVersion(db));
  return revoked;
}

}  // namespace

Result<std::vector<uint64_t>> SqliteSshStore::revoke(const std::string& caFingerprint, uint64_t serial,
                                                     const std::string& reason, int64_t at) {
  std::vector<uint64_t> revoked;
  SSHCA_RETURN_IF_ERROR(writer_->write([&](SqliteConn db) -> Status {
    SSHCA_ASSIGN_OR_RETURN(revoked, revokeAndBump(db, caFingerprint, serial, reason, at));
    return okStatus();
  }));
  return revoked;
}

Result<std::optional<uint64_t>> SqliteSshStore::replacementOf(const std::string& caFingerprint, uint64_t serial) {
  std::lock_guard lock(readMu_);
  return selectReplacementOf(reader(), caFingerprint, serial);
}

Status SqliteSshStore::revokeWithToken(const std::string& caFingerprint, uint64_t serial, const std::string& reason,
                                       int64_t at, const TokenUse& token) {
  return writer_->write([&](SqliteConn db) -> Status {
    SSHCA_RETURN_IF_ERROR(insertUsedTokenRow(db, token));
    SSHCA_RETURN_IF_ERROR(revokeAndBump(db, caFingerprint, serial, reason, at));
    return okStatus();
  });
}

Result<std::vector<SshCertificateRecord>> SqliteSshStore::revokedNotExpired(const std::string& caFingerprint,
                                                                            int64_t now) {
  std::lock_guard lock(readMu_);
  return selectRevokedSshCertificates(reader(), caFingerprint, now);
}

Result<uint64_t> SqliteSshStore::krlVersion() {
  std::lock_guard lock(readMu_);
  return selectKrlVersion(reader());
}

Result<std::optional<uint64_t>> SqliteSshStore::latestValidBefore(const std::string& caFingerprint) {
  std::lock_guard lock(readMu_);
  return selectLatestValidBefore(reader(), caFingerprint);
}

Status SqliteSshStore::useToken(const std::string& tokenId, const std::string& provisioner, int64_t expiresAt,
                                int64_t now) {
  TokenUse use{tokenId, provisioner, expiresAt, now};
  return writer_->write([&use](SqliteConn db) { return insertUsedTokenRow(db, use); });
}

Result<bool> SqliteSshStore::tokenUsed(const std::string& tokenId, const std::string& provisioner) {
  std::lock_guard lock(readMu_);
  return selectUsedTokenRow(reader(), tokenId, provisioner);
}

Status SqliteSshStore::pruneExpired(int64_t now) {
  return writer_->write([now](SqliteConn db) { return deleteExpiredTokenRows(db, now); });
}

namespace {

// Token first: a replayed token is reported as Replayed even if the serial
// happens to collide too, and the savepoint drops the certificate with it.
// The write owns its copies: recordIssuedThen's caller does not wait.
GroupCommitter::Write issuedWrite(const SshCertificateRecord& record, const TokenUse& token) {
  return [record, token](SqliteConn db) -> Status {
    SSHCA_RETURN_IF_ERROR(insertUsedTokenRow(db, token));
    return insertSshCertificateRow(db, record);
  };
}

// The batch holds the write lock from BEGIN IMMEDIATE: a revocation, from
// this process or from `sshca revoke`, is either before this check or
// after this commit. The write owns its copies, as issuedWrite's.
GroupCommitter::Write replacementWrite(const SshCertificateRecord& record, const TokenUse& token,
                                       const ReplacedCertificate& replaced) {
  return [record, token, replaced](SqliteConn db) -> Status {
    SSHCA_ASSIGN_OR_RETURN(auto old, selectSshCertificateBySerial(db, replaced.caFingerprint, replaced.serial));
    if (!old || old->revokedAt) return replacedCertificateRevoked(replaced);
    SSHCA_RETURN_IF_ERROR(insertUsedTokenRow(db, token));  // a replayed token is Replayed, before anything else
    SSHCA_RETURN_IF_ERROR(
        insertReplacementRow(db, replaced.caFingerprint, replaced.serial, record.serial, record.issuedAt));
    return insertSshCertificateRow(db, record);
  };
}

}  // namespace

Status SqliteSshStore::recordIssued(const SshCertificateRecord& record, const TokenUse& token) {
  return writer_->write(issuedWrite(record, token));
}

void SqliteSshStore::recordIssuedThen(const SshCertificateRecord& record, const TokenUse& token, RecordDone done) {
  writer_->submit(issuedWrite(record, token), std::move(done));
}

Status SqliteSshStore::recordReplacement(const SshCertificateRecord& record, const TokenUse& token,
                                         const ReplacedCertificate& replaced) {
  return writer_->write(replacementWrite(record, token, replaced));
}

void SqliteSshStore::recordReplacementThen(const SshCertificateRecord& record, const TokenUse& token,
                                           const ReplacedCertificate& replaced, RecordDone done) {
  writer_->submit(replacementWrite(record, token, replaced), std::move(done));
}

Status SqliteSshStore::addDenied(const DeniedIdentity& denied) {
  return writer_->write([&denied](SqliteConn db) { return insertDeniedRow(db, denied); });
}

Status SqliteSshStore::removeDenied(const DenyKey& key) {
  return writer_->write([&key](SqliteConn db) { return deleteDeniedRow(db, key); });
}

Result<std::vector<DeniedIdentity>> SqliteSshStore::listDenied() {
  std::lock_guard lock(readMu_);
  return selectDeniedRows(reader());
}

Result<std::vector<DeniedIdentity>> SqliteSshStore::findDenied(const std::vector<DenyKey>& keys) {
  std::lock_guard lock(readMu_);
  return selectDeniedRowsAmong(reader(), keys);
}

}  // namespace sshca::store
