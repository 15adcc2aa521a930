// The record of every SSH certificate the CA issued and of their
// revocations; the KRL is built from it. Speaks in records, not SQL, so that
// SQLite and PostgreSQL back it alike. Every write is durable (committed
// with fsync) when the call returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/ssh_certificate_query.h"
#include "ca/service/store/ssh_certificate_record.h"

namespace sshca::store {

class SshCertificateStore {
 public:
  virtual ~SshCertificateStore() = default;

  // AlreadyExists if this CA already issued the serial (the database's
  // uniqueness constraint decides, so it holds across CA instances).
  virtual Status insert(const SshCertificateRecord& record) = 0;

  // nullopt when the CA never issued the serial.
  virtual Result<std::optional<SshCertificateRecord>> findBySerial(const std::string& caFingerprint,
                                                                   uint64_t serial) = 0;

  // Every certificate issued under this key ID, oldest first.
  virtual Result<std::vector<SshCertificateRecord>> findByKeyId(const std::string& keyId) = 0;

  // The records the query matches, oldest first (the inventory: what was
  // issued, to whom, what expires soon).
  virtual Result<std::vector<SshCertificateRecord>> list(const SshCertificateQuery& query) = 0;
  // Whether an unrevoked host certificate valid after `now` names
  // `principal` (as given or in lower case): step's `ssh check-host`.
  virtual Result<bool> hasHostPrincipal(const std::string& principal, int64_t now) = 0;

  // Revokes the certificate and its whole renewal chain: every
  // certificate it replaced and every one that replaced it (renew and
  // rekey record old -> new, recordReplacement), so that revoking any
  // link stops the host's other certificates too. Returns the serials it
  // revoked, the named one first. NotFound for a serial the CA never
  // issued; AlreadyExists if the named one is revoked already (the first
  // revocation stands, nothing changes). A revocation bumps the KRL
  // version in the same transaction.
  virtual Result<std::vector<uint64_t>> revoke(const std::string& caFingerprint, uint64_t serial,
                                               const std::string& reason, int64_t at) = 0;

  // The serial of the certificate that replaced this one (a renewal or
  // rekey recorded it), or nullopt while it has not been replaced.
  virtual Result<std::optional<uint64_t>> replacementOf(const std::string& caFingerprint, uint64_t serial) = 0;

  // Revoked certificates of one CA still valid at `now`: what the KRL must
  // list (an expired certificate is refused by sshd anyway).
  virtual Result<std::vector<SshCertificateRecord>> revokedNotExpired(const std::string& caFingerprint,
                                                                      int64_t now) = 0;

  // The KRL version: 0 before the first revocation, then bumped by each
  // one, persisted, never going back (hosts compare versions to skip stale
  // KRLs). A cheap read, so that a CA instance can ask on every KRL request
  // whether any instance revoked something since it built its KRL.
  virtual Result<uint64_t> krlVersion() = 0;

  // The latest validBefore among the certificates this CA key issued
  // (revoked ones too; UINT64_MAX for "forever"), nullopt before the
  // first: for the metrics. An indexed lookup, (ca_fingerprint,
  // valid_before).
  virtual Result<std::optional<uint64_t>> latestValidBefore(const std::string& caFingerprint) = 0;
};

}  // namespace sshca::store
