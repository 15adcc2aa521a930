// The SQL behind renewal chains on PostgreSQL (schema version 2): which
// certificate replaced which (ssh_certificate_replacements), and the
// revocation of a whole chain. Each function runs on a connection the
// caller provides, inside the caller's transaction for writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "ca/core/common/result.h"

namespace sshca::store {

// The chain lock, held to the end of the transaction: renewals take it
// shared, revocations exclusive. A revocation then waits for the renewals
// in flight and sees the certificates they recorded (under READ COMMITTED
// its chain query would otherwise miss a link committed after it ran),
// and a renewal that starts later finds its certificate revoked.
Status pgLockChainsShared(PGconn* conn);
Status pgLockChainsExclusive(PGconn* conn);

// certificateAlreadyReplaced if `oldSerial` was replaced before. Two
// instances racing from one certificate: the primary key makes the second
// wait for the first's commit and then find its row.
Status pgInsertReplacement(PGconn* conn, const std::string& caFingerprint, uint64_t oldSerial, uint64_t newSerial,
                           int64_t at);

Result<std::optional<uint64_t>> pgSelectReplacementOf(PGconn* conn, const std::string& caFingerprint, uint64_t serial);

// Every serial of the chain through `serial`, `serial` first.
Result<std::vector<uint64_t>> pgSelectChainSerials(PGconn* conn, const std::string& caFingerprint, uint64_t serial);

// Revokes `serial` (NotFound, AlreadyExists as pgRevokeSshCertificate)
// and then every unrevoked certificate of its chain; the serials revoked,
// `serial` first.
Result<std::vector<uint64_t>> pgRevokeSshChain(PGconn* conn, const std::string& caFingerprint, uint64_t serial,
                                               const std::string& reason, int64_t at);

}  // namespace sshca::store
