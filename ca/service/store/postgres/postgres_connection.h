// Talking to PostgreSQL through libpq: opening a connection, running one
// parameterized statement, and turning libpq's failures into Errors.
// A DSN may hold a password: messages name the server with describeDsn(),
// never with the DSN itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/service/store/postgres/postgres_handles.h"

namespace sshca::store {

// "host=db1 port=5432 dbname=sshca user=ca": what a DSN points at, without
// password or other secrets, for messages.
std::string describeDsn(const std::string& dsn);

// The DSN with one more keyword set (any DSN form in, key=value form out):
// tests use it to give each test its own search_path.
Result<std::string> dsnWithParameter(const std::string& dsn, const std::string& key, const std::string& value);

// A DSN split into its password ("" when it has none) and the rest, in
// key=value form: `sshca backup` hands pg_dump the password through its
// environment (PGPASSWORD), never on a command line others can read, and
// the ca.json in a backup keeps no password.
struct DsnPassword {
  std::string dsn;
  std::string password;
};
Result<DsnPassword> splitDsnPassword(const std::string& dsn);

// Connects (10 s connect timeout unless the DSN sets one). Unavailable if
// the server cannot be reached or refuses the login.
Result<PgConn> connectPostgres(const std::string& dsn);

// Positional parameters $1, $2, ... as text, NULL or binary (bytea).
class PgParams {
 public:
  PgParams& add(std::string_view text);
  PgParams& add(int64_t value);
  PgParams& add(const std::optional<int64_t>& value);
  PgParams& addOptionalText(const std::optional<std::string>& value);  // nullopt: NULL
  PgParams& addBytes(const Bytes& bytes);

  int count() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> pointers() const;
  std::vector<int> lengths() const;
  const std::vector<int>& formats() const { return formats_; }

 private:
  std::vector<std::optional<std::string>> values_;
  std::vector<int> formats_;
};

// Runs one statement; text results. `what` names it in errors. SQLSTATE
// 23505 (unique violation) is AlreadyExists; a lost connection, a server
// shutting down, too many connections, a serialization failure or a
// deadlock are Unavailable; the rest Internal. The message carries the
// server's primary message only, never its DETAIL (which quotes values,
// such as token IDs).
Result<PgResult> pgExec(PGconn* conn, std::string_view sql, const PgParams& params, std::string_view what);
Result<PgResult> pgExec(PGconn* conn, std::string_view sql, std::string_view what);
// Several statements without parameters (schema migrations).
Status pgExecScript(PGconn* conn, const char* sql, std::string_view what);

// Column readers for text results.
int64_t pgInt64(const PGresult* r, int row, int column);
std::optional<int64_t> pgOptionalInt64(const PGresult* r, int row, int column);
std::string pgText(const PGresult* r, int row, int column);
Result<Bytes> pgBytea(const PGresult* r, int row, int column);

}  // namespace sshca::store
