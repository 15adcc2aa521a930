// The AcmeStore (store/acme_store.h) on PostgreSQL: what several CA
// instances share, nonces included (a nonce one instance hands out is
// consumed once, on whichever instance it comes back to).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "ca/core/common/result.h"
#include "ca/service/store/acme_store.h"

namespace sshca::store {

// Migrates the schema like the SSH store does.
Result<std::unique_ptr<AcmeStore>> openPostgresAcmeStore(const std::string& dsn, size_t connections);

}  // namespace sshca::store
