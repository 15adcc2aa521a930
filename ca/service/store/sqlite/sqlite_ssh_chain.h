// The SQL behind renewal chains on SQLite (schema version 3): which
// certificate replaced which (ssh_certificate_replacements), and the
// revocation of a whole chain. Each function runs on a connection the
// caller provides, inside the caller's transaction for writes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

// certificateAlreadyReplaced if `oldSerial` was replaced before (the
// primary key decides, so two renewals racing from one certificate cannot
// both record).
Status insertReplacementRow(SqliteConn db, const std::string& caFingerprint, uint64_t oldSerial, uint64_t newSerial,
                            int64_t at);

Result<std::optional<uint64_t>> selectReplacementOf(SqliteConn db, const std::string& caFingerprint, uint64_t serial);

// Every serial of the chain through `serial` (itself, what it replaced
// back to the first, what replaced it up to the newest), `serial` first.
Result<std::vector<uint64_t>> selectChainSerials(SqliteConn db, const std::string& caFingerprint, uint64_t serial);

// Revokes `serial` (NotFound, AlreadyExists as revokeSshCertificateRow)
// and then every unrevoked certificate of its chain; the serials revoked,
// `serial` first.
Result<std::vector<uint64_t>> revokeSshChainRows(SqliteConn db, const std::string& caFingerprint, uint64_t serial,
                                                 const std::string& reason, int64_t at);

// One recorded replacement, as `sshca db migrate` copies it.
struct ReplacementRow {
  std::string caFingerprint;
  uint64_t oldSerial = 0;
  uint64_t newSerial = 0;
  int64_t replacedAt = 0;
};
Status forEachReplacementRow(SqliteConn db, const std::function<Status(const ReplacementRow&)>& visit);

}  // namespace sshca::store
