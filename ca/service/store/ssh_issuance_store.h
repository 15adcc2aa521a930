// What the authority needs to issue an SSH certificate: the certificate
// record, the one-time tokens, the identities it must refuse, and recording
// a certificate together with the token that paid for it, atomically.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/deny_list_store.h"
#include "ca/service/store/ssh_certificate_store.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::store {

// The certificate a renewal or rekey replaces (SSHPOP proved its key).
struct ReplacedCertificate {
  std::string caFingerprint;
  uint64_t serial = 0;
};

// Unauthenticated: the replaced certificate was revoked (or is gone) by the
// time its replacement was to be recorded.
inline Error replacedCertificateRevoked(const ReplacedCertificate& replaced) {
  return makeError(ErrorCode::Unauthenticated, "certificate serial " + std::to_string(replaced.serial) +
                                                   " was revoked while its replacement was being signed");
}

// Unauthenticated: a certificate is replaced once; the newest of a chain is
// the only one that renews (an old certificate and key found elsewhere
// cannot fork the chain into certificates a revocation would miss).
inline Error certificateAlreadyReplaced(uint64_t serial, uint64_t replacement) {
  return makeError(ErrorCode::Unauthenticated, "certificate serial " + std::to_string(serial) +
                                                   " was already replaced by serial " + std::to_string(replacement) +
                                                   "; only the newest certificate of a renewal chain renews");
}

// How the store's writes shared commits since it opened, for the metrics:
// SQLite's group commit batches them (docs/storage.md, "Group commit");
// PostgreSQL commits each write transaction on its own (batches of one).
struct CommitCounts {
  uint64_t writes = 0;   // writes run
  uint64_t commits = 0;  // batches committed
  uint64_t largestBatch = 0;
  double commitSeconds = 0;  // BEGIN to COMMIT, summed over the commits
};

class SshIssuanceStore : public SshCertificateStore, public TokenReplayStore, public DenyListStore {
 public:
  // nullopt for a backend that does not count its commits.
  virtual std::optional<CommitCounts> commitCounts() const { return std::nullopt; }

  // The token is marked used and the certificate recorded in one
  // transaction: both or neither. Replayed (and no certificate row) if the
  // token was used before; AlreadyExists (and the token still unused) if
  // the serial is taken. Durable when it returns.
  virtual Status recordIssued(const SshCertificateRecord& record, const TokenUse& token) = 0;

  // recordIssued that answers through `done` instead of returning: from
  // the store's commit once the batch is durable (SQLite: its writer
  // thread, so the caller's thread need not wait out the fsync; or the
  // caller's when nothing else is being written), here by default, on the
  // calling thread. `done` is called exactly once and must be quick.
  using RecordDone = std::function<void(const Status&)>;
  virtual void recordIssuedThen(const SshCertificateRecord& record, const TokenUse& token, RecordDone done) {
    done(recordIssued(record, token));
  }

  // recordIssued for a renewal or rekey, in the same transaction checking
  // that the certificate it replaces is still on record and not revoked:
  // a revocation that commits while the replacement is being signed wins
  // (replacedCertificateRevoked, nothing recorded, the token unused), so
  // revoking a host's certificate cannot be outrun by a renewal in flight.
  // The replacement (old -> new) is recorded with it; a certificate that
  // was replaced already is refused (certificateAlreadyReplaced, nothing
  // recorded, the token unused): two renewals racing from one certificate
  // give one certificate, and revoke() later finds the whole chain.
  virtual Status recordReplacement(const SshCertificateRecord& record, const TokenUse& token,
                                   const ReplacedCertificate& replaced) = 0;
  // recordReplacement answering through `done`, as recordIssuedThen.
  virtual void recordReplacementThen(const SshCertificateRecord& record, const TokenUse& token,
                                     const ReplacedCertificate& replaced, RecordDone done) {
    done(recordReplacement(record, token, replaced));
  }

  // revoke (the whole chain), paid for by a one-time token, in one
  // transaction with the token's use: Replayed first (as useToken), then
  // revoke's NotFound or AlreadyExists with the token left unused. A
  // failure between the two can no longer burn the token of an urgent
  // revocation.
  virtual Status revokeWithToken(const std::string& caFingerprint, uint64_t serial, const std::string& reason,
                                 int64_t at, const TokenUse& token) = 0;
};

}  // namespace sshca::store
