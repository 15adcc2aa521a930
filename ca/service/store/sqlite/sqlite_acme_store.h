// The AcmeStore (store/acme_store.h) in the CA's SQLite file: one
// connection, transactions serialized by a mutex (ACME traffic is light
// next to SSH signing, which keeps its own batched writer).
#pragma once

#include <memory>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/acme_store.h"

namespace sshca::store {

// Creates the file if needed and migrates it to the current schema.
Result<std::unique_ptr<AcmeStore>> openSqliteAcmeStore(const std::string& path);

}  // namespace sshca::store
