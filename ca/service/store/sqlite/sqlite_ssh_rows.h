// The SQL behind SshCertificateStore on SQLite: rows of ssh_certificates
// and ssh_certificate_principals (schema version 2). Each function runs on
// a connection the caller provides, inside the caller's transaction (the
// group committer's savepoint for writes).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/ssh_certificate_query.h"
#include "ca/service/store/ssh_certificate_record.h"

namespace sshca::store {

// AlreadyExists if the CA's serial is taken (the UNIQUE constraint).
Status insertSshCertificateRow(SqliteConn db, const SshCertificateRecord& record);

Result<std::optional<SshCertificateRecord>> selectSshCertificateBySerial(SqliteConn db,
                                                                         const std::string& caFingerprint,
                                                                         uint64_t serial);
Result<std::vector<SshCertificateRecord>> selectSshCertificatesByKeyId(SqliteConn db, const std::string& keyId);
Result<bool> selectHostPrincipalExists(SqliteConn db, const std::string& principal, int64_t now);
Result<std::optional<uint64_t>> selectLatestValidBefore(SqliteConn db, const std::string& caFingerprint);
Result<std::vector<SshCertificateRecord>> selectRevokedSshCertificates(SqliteConn db, const std::string& caFingerprint,
                                                                       int64_t now);
// The records the query matches, oldest first.
Result<std::vector<SshCertificateRecord>> selectSshCertificates(SqliteConn db, const SshCertificateQuery& query);

// Every record, oldest first, handed over one at a time so that a CA's
// whole history need not fit in memory (`sshca db migrate` copies them).
// Stops at the first error `visit` returns.
using SshCertificateVisitor = std::function<Status(SshCertificateRecord)>;
Status forEachSshCertificateRow(SqliteConn db, const SshCertificateVisitor& visit);

// Revokes the row if it is not revoked yet; false when nothing changed (an
// unknown serial, or one revoked before, which keeps its date and reason).
Result<bool> markSshCertificateRevoked(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                                       const std::string& reason, int64_t at);

// NotFound for an unknown serial, AlreadyExists if revoked already.
Status revokeSshCertificateRow(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                               const std::string& reason, int64_t at);

}  // namespace sshca::store
