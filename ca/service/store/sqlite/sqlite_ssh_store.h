// SshIssuanceStore in the CA's SQLite database. Writes go through a
// GroupCommitter (one commit at a time, one fsync shared by the writes that
// arrive together); reads use their own connection and see every write
// whose call has returned (WAL readers never wait for the writer); a
// WalCheckpointer copies the WAL into the database file off the commit path.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/group_commit.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/sqlite/sqlite_statement_cache.h"
#include "ca/service/store/sqlite/wal_checkpointer.h"
#include "ca/service/store/sqlite/wal_length.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::store {

class SqliteSshStore final : public SshIssuanceStore {
 public:
  // Creates the file if needed and migrates it to the current schema.
  // Unavailable if it cannot be opened; Unsupported if it is newer.
  static Result<std::unique_ptr<SqliteSshStore>> open(const std::string& path,
                                                      size_t maxBatch = GroupCommitter::kDefaultMaxBatch);
  ~SqliteSshStore() override;

  Status insert(const SshCertificateRecord& record) override;
  Result<std::optional<SshCertificateRecord>> findBySerial(const std::string& caFingerprint, uint64_t serial) override;
  Result<std::vector<SshCertificateRecord>> findByKeyId(const std::string& keyId) override;
  Result<std::vector<SshCertificateRecord>> list(const SshCertificateQuery& query) override;
  Result<bool> hasHostPrincipal(const std::string& principal, int64_t now) override;
  Result<std::vector<uint64_t>> revoke(const std::string& caFingerprint, uint64_t serial, const std::string& reason,
                                       int64_t at) override;
  Result<std::optional<uint64_t>> replacementOf(const std::string& caFingerprint, uint64_t serial) override;
  Result<std::vector<SshCertificateRecord>> revokedNotExpired(const std::string& caFingerprint, int64_t now) override;
  Result<uint64_t> krlVersion() override;
  Result<std::optional<uint64_t>> latestValidBefore(const std::string& caFingerprint) override;

  Result<bool> tokenUsed(const std::string& tokenId, const std::string& provisioner) override;
  Status useToken(const std::string& tokenId, const std::string& provisioner, int64_t expiresAt, int64_t now) override;
  Status pruneExpired(int64_t now) override;

  Status recordIssued(const SshCertificateRecord& record, const TokenUse& token) override;
  void recordIssuedThen(const SshCertificateRecord& record, const TokenUse& token, RecordDone done) override;
  void recordReplacementThen(const SshCertificateRecord& record, const TokenUse& token,
                             const ReplacedCertificate& replaced, RecordDone done) override;
  Status recordReplacement(const SshCertificateRecord& record, const TokenUse& token,
                           const ReplacedCertificate& replaced) override;

  Status addDenied(const DeniedIdentity& denied) override;
  Status removeDenied(const DenyKey& key) override;
  Result<std::vector<DeniedIdentity>> listDenied() override;
  Result<std::vector<DeniedIdentity>> findDenied(const std::vector<DenyKey>& keys) override;
  Status revokeWithToken(const std::string& caFingerprint, uint64_t serial, const std::string& reason, int64_t at,
                         const TokenUse& token) override;

  // Writes queued before the call are committed; later ones are refused
  // (Unavailable). The destructor closes too.
  void close();

  // How many writes shared a commit (for tests, metrics and the benchmark).
  GroupCommitStats commitStats() const;
  std::optional<CommitCounts> commitCounts() const override;

 private:
  SqliteSshStore(std::shared_ptr<WalLength> walLength, SqliteDb reader, std::unique_ptr<GroupCommitter> writer,
                 std::unique_ptr<WalCheckpointer> checkpointer);

  // The read connection with its cached statements; call under readMu_.
  SqliteConn reader() { return {reader_.get(), &readerStatements_}; }

  // First: the writer's hook points at it until the writer closes.
  std::shared_ptr<WalLength> walLength_;
  std::mutex readMu_;  // one read connection, one reader at a time
  SqliteDb reader_;
  // The sign path reads twice before the HSM (denied identities, the
  // token's use): parsing those statements on each request cost more than
  // running them.
  SqliteStatementCache readerStatements_{reader_.get()};  // dies before reader_ closes
  std::unique_ptr<GroupCommitter> writer_;
  std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace sshca::store
