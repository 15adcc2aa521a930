// Running PostgreSQL's own pg_dump for `sshca backup` of a CA whose
// database is PostgreSQL: pg_dump takes one consistent snapshot of a live
// database (a REPEATABLE READ transaction), which the CA's writers never
// wait for, and its custom format is what pg_restore reads. Writing an
// exporter of our own would mean a second, weaker pg_dump.
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::cli {

// pg_dump --format=custom of the database `dsn` names into `outFile`. The
// DSN's password goes to pg_dump in its environment (PGPASSWORD), never on
// its command line (which every local user can read in /proc); pg_dump
// never prompts (--no-password). Unavailable if pg_dump is not installed
// (Debian's postgresql-client) or fails; its own messages go to stderr.
Status runPgDump(const std::string& dsn, const std::string& outFile);

}  // namespace sshca::cli
