// SshIssuanceStore in PostgreSQL, for several CA instances sharing one
// database. Every guarantee is the database's: serial uniqueness and
// one-time tokens are constraints, revocations and KRL versions are row
// locks, so no in-process lock matters across instances. Durable on
// return: COMMIT waits for the WAL flush (synchronous_commit on, the
// default), and the server itself shares one flush among the sessions
// committing together, so there is no group committer here.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/postgres/postgres_pool.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::store {

class PostgresSshStore final : public SshIssuanceStore {
 public:
  // Connects, migrates the schema to the current version (one instance at
  // a time) and keeps up to `connections` sessions (one per thread that may
  // call at once). Unavailable if the server cannot be reached; Unsupported
  // if a newer sshca migrated the database.
  static Result<std::unique_ptr<PostgresSshStore>> open(const std::string& dsn, size_t connections);

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
  Status recordReplacement(const SshCertificateRecord& record, const TokenUse& token,
                           const ReplacedCertificate& replaced) override;

  Status addDenied(const DeniedIdentity& denied) override;
  Status removeDenied(const DenyKey& key) override;
  Result<std::vector<DeniedIdentity>> listDenied() override;
  Result<std::vector<DeniedIdentity>> findDenied(const std::vector<DenyKey>& keys) override;
  Status revokeWithToken(const std::string& caFingerprint, uint64_t serial, const std::string& reason, int64_t at,
                         const TokenUse& token) override;

  // Each write transaction commits alone: writes == commits, batches of one.
  std::optional<CommitCounts> commitCounts() const override;

 private:
  explicit PostgresSshStore(std::unique_ptr<PostgresPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<PostgresPool> pool_;
};

}  // namespace sshca::store
