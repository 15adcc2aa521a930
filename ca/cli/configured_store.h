// The SSH issuance store that a ca.json names, opened for one command
// (sshca cert, deny, revoke...): SQLite or PostgreSQL as "db" says.
#pragma once

#include <memory>
#include <string>

#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::cli {

// Loads the config at `configPath` and opens its store for one thread.
// Fails the command on error.
std::unique_ptr<store::SshIssuanceStore> openConfiguredStore(const std::string& configPath);

}  // namespace sshca::cli
