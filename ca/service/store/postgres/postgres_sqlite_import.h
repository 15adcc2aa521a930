// Moving an existing CA's records from its SQLite file into PostgreSQL
// (`sshca db migrate`): every SSH certificate record (revocations
// included), the one-time tokens that could still be presented, the KRL
// version (hosts skip a KRL whose version is not newer than theirs, so it
// must never go back), the denied identities, the X.509 certificates with
// their revocations and CRL numbers (a CRL number must never go back
// either), and the ACME accounts, orders, authorizations, challenges and
// certificates (a client's account must still be there after the move).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ca/core/common/result.h"

namespace sshca::store {

struct SqliteImportCounts {
  size_t certificates = 0;
  size_t revoked = 0;
  size_t tokens = 0;
  size_t denied = 0;
  size_t x509Certificates = 0;
  size_t acmeAccounts = 0;
  uint64_t krlVersion = 0;
};

// Used tokens that expired more than this long ago are not copied: no
// verifier accepts them any more (its clock-skew leeway is a minute).
constexpr int64_t kImportTokenMarginSeconds = 3600;

// Reads the SQLite file without changing it, migrates the PostgreSQL
// schema, and copies in one transaction that locks the tables against
// writers. AlreadyExists (and nothing copied) if the target holds any SSH
// or X.509 certificate, used token, KRL version or ACME account: records
// are never merged into a live database or copied twice. `now`: for which tokens are still valid.
Result<SqliteImportCounts> importSqliteIntoPostgres(const std::string& sqlitePath, const std::string& dsn, int64_t now);

}  // namespace sshca::store
