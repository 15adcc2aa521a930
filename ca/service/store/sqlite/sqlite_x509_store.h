// The CertificateStore in an embedded SQLite database file (the default:
// one file next to the CA certificates, nothing to run). WAL journal, a
// busy timeout so concurrent sshca processes wait rather than fail, every
// write in a transaction.
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/certificate_store.h"

namespace sshca::store {

// Creates the file if needed and migrates it to the current schema.
// Unavailable if it cannot be opened; Unsupported if it is newer.
Result<std::unique_ptr<CertificateStore>> openSqliteCertificateStore(const std::string& path);

}  // namespace sshca::store
