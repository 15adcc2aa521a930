#include "ca/service/store/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ca/core/common/unique_fd.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_handles.h"
#include "ca/service/store/sqlite/sqlite_migrations.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

namespace {

// The copy's file exists with its final mode before SQLite writes a byte
// into it: it holds every issued certificate and spent token.
Status createPrivateFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) return makeError(ErrorCode::IoError, "cannot create " + path + ": " + std::strerror(errno));
  return okStatus();
}

Status copyAllPages(sqlite3* source, sqlite3* dest, const std::string& from) {
  SqliteBackup backup(sqlite3_backup_init(dest, "main", source, "main"));
  if (!backup) return sqliteError(dest, sqlite3_errcode(dest), "starting the backup of " + from);
  // -1: every page in one step, under one read transaction (a stepwise
  // copy would restart whenever the CA commits, or mix two states).
  int rc = sqlite3_backup_step(backup.get(), -1);
  if (rc != SQLITE_DONE) return sqliteError(dest, rc, "copying " + from);
  rc = sqlite3_backup_finish(backup.release());
  if (rc != SQLITE_OK) return sqliteError(dest, rc, "finishing the backup of " + from);
  return okStatus();
}

Result<int> copyInto(sqlite3* source, const std::string& from, const std::string& to) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb dest, openSqliteConnection(to, SQLITE_OPEN_READWRITE));
  SSHCA_RETURN_IF_ERROR(copyAllPages(source, dest.get(), from));
  // One self-contained file: no -wal beside it to lose on the way.
  SSHCA_RETURN_IF_ERROR(execSql(dest.get(), "PRAGMA journal_mode = DELETE"));
  dest.reset();
  auto checked = checkSqliteCopy(to);
  if (!checked.ok()) return std::move(checked).error().context("checking the copy");
  return checked;
}

}  // namespace

Result<int> backupSqliteDatabase(const std::string& from, const std::string& to) {
  // The store's reader: without CREATE (a missing database is an error,
  // not a new empty one) and query_only.
  SSHCA_ASSIGN_OR_RETURN(SqliteDb source, openReaderConnection(from));
  SSHCA_RETURN_IF_ERROR(createPrivateFile(to));
  Result<int> copied = copyInto(source.get(), from, to);
  if (!copied.ok()) ::unlink(to.c_str());  // no half copy left to be mistaken for a backup
  return copied;
}

Result<int> checkSqliteCopy(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(SqliteDb db, openSqliteConnection(path, SQLITE_OPEN_READONLY));
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement check, SqliteStatement::prepare(db.get(), "PRAGMA integrity_check"));
  SSHCA_ASSIGN_OR_RETURN(bool row, check.step());
  std::string verdict = row ? check.text(0) : "no answer";
  if (verdict != "ok") return makeError(ErrorCode::Internal, "database " + path + " is damaged: " + verdict);
  SSHCA_ASSIGN_OR_RETURN(int version, schemaVersion(db.get()));
  if (version > latestSchemaVersion())
    return makeError(ErrorCode::Unsupported, "database " + path + " has schema version " + std::to_string(version) +
                                                 ", newer than this sshca understands (" +
                                                 std::to_string(latestSchemaVersion()) + ")");
  if (version < 1) return makeError(ErrorCode::InvalidArgument, path + " is not an sshca database (schema version 0)");
  return version;
}

}  // namespace sshca::store
