// CertificateStore in PostgreSQL: the TLS certificates the online CA issues
// (POST /x509/sign), their revocations and CRL numbers, shared by every CA
// instance. Uniqueness of serials and of CRL numbers are constraints;
// a revocation takes the row's lock.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/certificate_store.h"

namespace sshca::store {

// Connects and migrates (postgres_migrations.h) as PostgresSshStore::open,
// keeping up to `connections` sessions.
Result<std::unique_ptr<CertificateStore>> openPostgresCertificateStore(const std::string& dsn, size_t connections);

}  // namespace sshca::store
