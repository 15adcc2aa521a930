// Opening the SSH issuance store that ca.json's "db" names: SQLite (one
// file, one CA instance) or PostgreSQL (several instances sharing it).
#pragma once

#include <cstddef>
#include <memory>

#include "ca/core/common/result.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/store/acme_store.h"
#include "ca/service/store/certificate_store.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::store {

// `threads`: how many threads may use the store at once (the HTTP workers);
// PostgreSQL keeps that many connections. Errors say which database failed
// (a PostgreSQL DSN is described without its password).
Result<std::unique_ptr<SshIssuanceStore>> openSshIssuanceStore(const config::DbConfig& db, size_t threads);

// The record of X.509 certificates (TLS certificates of POST /x509/sign)
// in the same database, SQLite or PostgreSQL (`connections` as `threads`).
Result<std::unique_ptr<CertificateStore>> openCertificateStore(const config::DbConfig& db, size_t connections);

// The ACME server's store in the same database (store/acme_store.h).
Result<std::unique_ptr<AcmeStore>> openAcmeStore(const config::DbConfig& db, size_t threads);

}  // namespace sshca::store
