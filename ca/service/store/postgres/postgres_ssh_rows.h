// The SQL behind SshCertificateStore on PostgreSQL: rows of
// ssh_certificates and ssh_certificate_principals (schema version 1). Each
// function runs on a connection the caller provides, inside the caller's
// transaction where it writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "ca/core/common/result.h"
#include "ca/service/store/ssh_certificate_query.h"
#include "ca/service/store/ssh_certificate_record.h"

namespace sshca::store {

// One statement: the certificate and its principals. AlreadyExists if the
// CA's serial is taken (the UNIQUE constraint, across all instances).
Status pgInsertSshCertificate(PGconn* conn, const SshCertificateRecord& record);

Result<std::optional<SshCertificateRecord>> pgSelectSshCertificateBySerial(PGconn* conn,
                                                                           const std::string& caFingerprint,
                                                                           uint64_t serial);
Result<std::vector<SshCertificateRecord>> pgSelectSshCertificatesByKeyId(PGconn* conn, const std::string& keyId);
// The records the query matches, oldest first.
Result<std::vector<SshCertificateRecord>> pgSelectSshCertificates(PGconn* conn, const SshCertificateQuery& query);
Result<bool> pgSelectHostPrincipalExists(PGconn* conn, const std::string& principal, int64_t now);
Result<std::optional<uint64_t>> pgSelectLatestValidBefore(PGconn* conn, const std::string& caFingerprint);
// Whether the certificate is on record and not revoked, its row locked
// FOR SHARE until the transaction ends.
Result<bool> pgLockUnrevokedSshCertificate(PGconn* conn, const std::string& caFingerprint, uint64_t serial);
Result<std::vector<SshCertificateRecord>> pgSelectRevokedSshCertificates(PGconn* conn, const std::string& caFingerprint,
                                                                         int64_t now);

// Revokes the row if it is not revoked yet; false when nothing changed (an
// unknown serial, or one revoked before, which keeps its date and reason).
Result<bool> pgMarkSshCertificateRevoked(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                                         const std::string& reason, int64_t at);

// NotFound for an unknown serial, AlreadyExists if revoked already. Two
// instances revoking one certificate at once: the row lock orders them and
// the second finds it revoked.
Status pgRevokeSshCertificate(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                              const std::string& reason, int64_t at);

}  // namespace sshca::store
