// A consistent copy of the CA's SQLite database while the CA runs
// (`sshca backup`), and the check of such a copy before a CA serves from it
// (`sshca restore`).
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::store {

// Copies the database at `from` into the new file `to` (mode 0600; an
// existing `to` is refused) through SQLite's online backup API, in one
// step: one read transaction, so the copy is one committed state, every
// commit before it and none after. A WAL reader never blocks the writer,
// so the running CA goes on committing meanwhile. The copy is a single
// file (rollback journal mode; the CA switches it back to WAL when it opens
// it) and is checked as checkSqliteCopy does; returns its schema version.
// On failure no file is left at `to`.
Result<int> backupSqliteDatabase(const std::string& from, const std::string& to);

// PRAGMA integrity_check of a database nobody else uses and its schema
// version (PRAGMA user_version), which it returns. Unsupported if a newer
// sshca wrote it, Internal if SQLite finds it damaged. An older version is
// fine: the CA migrates it when it opens it.
Result<int> checkSqliteCopy(const std::string& path);

}  // namespace sshca::store
