#include "ca/service/store/postgres/postgres_connection.h"

#include <charconv>
#include <map>
#include <memory>

namespace sshca::store {

namespace {

struct ConninfoFreer {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoFreer>;

// The DSN's keywords that are set. Nothing of libpq's parse error goes
// into a message: it may quote a fragment of the DSN (a password).
Result<std::map<std::string, std::string>> parseDsn(const std::string& dsn) {
  char* err = nullptr;
  Conninfo options(PQconninfoParse(dsn.c_str(), &err));
  if (err) PQfreemem(err);
  if (!options)
    return makeError(ErrorCode::InvalidArgument,
                     "the PostgreSQL DSN does not parse (see libpq's "
                     "connection strings: key=value or postgresql://)");
  std::map<std::string, std::string> out;
  for (const PQconninfoOption* o = options.get(); o->keyword; ++o)
    if (o->val && *o->val) out[o->keyword] = o->val;
  return out;
}

std::string quoteConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Class 08: connection exceptions; 57P0x: the server is shutting down or
// restarting; 53: out of resources (too many connections); 40001/40P01:
// a retry may succeed.
bool transientSqlState(std::string_view state) {
  return state.starts_with("08") || state.starts_with("57P") || state.starts_with("53") || state == "40001" ||
         state == "40P01";
}

Error pgError(PGconn* conn, const PGresult* r, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string detail = primary ? primary : trimmed(PQerrorMessage(conn));
  ErrorCode code = ErrorCode::Internal;
  if (PQstatus(conn) != CONNECTION_OK || (state && transientSqlState(state))) code = ErrorCode::Unavailable;
  if (state && std::string_view(state) == "23505") code = ErrorCode::AlreadyExists;
  return makeError(code, "database: " + std::string(what) + ": " + detail);
}

void ignoreNotice(void*, const char*) {}

}  // namespace

std::string describeDsn(const std::string& dsn) {
  auto parsed = parseDsn(dsn);
  if (!parsed.ok()) return "PostgreSQL (unparsable DSN)";
  std::string out;
  for (const char* key : {"host", "hostaddr", "port", "dbname", "user"}) {
    auto it = parsed->find(key);
    if (it == parsed->end()) continue;
    out += (out.empty() ? "" : " ") + std::string(key) + "=" + it->second;
  }
  return "PostgreSQL " + (out.empty() ? std::string("(libpq defaults)") : out);
}

Result<std::string> dsnWithParameter(const std::string& dsn, const std::string& key, const std::string& value) {
  SSHCA_ASSIGN_OR_RETURN(auto parsed, parseDsn(dsn));
  parsed[key] = value;
  std::string out;
  for (const auto& [k, v] : parsed) out += (out.empty() ? "" : " ") + k + "=" + quoteConninfoValue(v);
  return out;
}

Result<DsnPassword> splitDsnPassword(const std::string& dsn) {
  SSHCA_ASSIGN_OR_RETURN(auto parsed, parseDsn(dsn));
  DsnPassword out;
  if (auto it = parsed.find("password"); it != parsed.end()) {
    out.password = it->second;
    parsed.erase(it);
  }
  for (const auto& [k, v] : parsed) out.dsn += (out.dsn.empty() ? "" : " ") + k + "=" + quoteConninfoValue(v);
  return out;
}

Result<PgConn> connectPostgres(const std::string& dsn) {
  // Defaults first: keywords later in the list (the DSN's) override them.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "sshca", dsn.c_str(), nullptr};
  PgConn conn(PQconnectdbParams(keys, values, 1));
  if (!conn) return makeError(ErrorCode::Unavailable, "connecting to " + describeDsn(dsn) + ": out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return makeError(ErrorCode::Unavailable,
                     "connecting to " + describeDsn(dsn) + ": " + trimmed(PQerrorMessage(conn.get())));
  // "relation ... already exists, skipping" and the like are not for stderr.
  PQsetNoticeProcessor(conn.get(), ignoreNotice, nullptr);
  return conn;
}

PgParams& PgParams::add(std::string_view text) {
  values_.emplace_back(std::string(text));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::add(int64_t value) { return add(std::string_view(std::to_string(value))); }

PgParams& PgParams::addOptionalText(const std::optional<std::string>& value) {
  if (value) return add(std::string_view(*value));
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::add(const std::optional<int64_t>& value) {
  if (value) return add(*value);
  values_.emplace_back(std::nullopt);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::addBytes(const Bytes& bytes) {
  values_.emplace_back(std::string(bytes.begin(), bytes.end()));
  formats_.push_back(1);  // binary: bytea's bytes as they are
  return *this;
}

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> out;
  for (const auto& v : values_) out.push_back(v ? v->data() : nullptr);
  return out;
}

std::vector<int> PgParams::lengths() const {
  std::vector<int> out;
  for (const auto& v : values_) out.push_back(v ? static_cast<int>(v->size()) : 0);
  return out;
}

Result<PgResult> pgExec(PGconn* conn, std::string_view sql, const PgParams& params, std::string_view what) {
  std::string text(sql);
  auto values = params.pointers();
  auto lengths = params.lengths();
  PgResult r(PQexecParams(conn, text.c_str(), params.count(), nullptr, values.data(), lengths.data(),
                          params.formats().data(), 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pgError(conn, r.get(), what);
  return r;
}

Result<PgResult> pgExec(PGconn* conn, std::string_view sql, std::string_view what) {
  return pgExec(conn, sql, PgParams{}, what);
}

Status pgExecScript(PGconn* conn, const char* sql, std::string_view what) {
  PgResult r(PQexec(conn, sql));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return pgError(conn, r.get(), what);
  return okStatus();
}

int64_t pgInt64(const PGresult* r, int row, int column) {
  const char* v = PQgetvalue(r, row, column);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r, row, column), out);
  return out;
}

std::optional<int64_t> pgOptionalInt64(const PGresult* r, int row, int column) {
  if (PQgetisnull(r, row, column)) return std::nullopt;
  return pgInt64(r, row, column);
}

std::string pgText(const PGresult* r, int row, int column) {
  return std::string(PQgetvalue(r, row, column), static_cast<size_t>(PQgetlength(r, row, column)));
}

Result<Bytes> pgBytea(const PGresult* r, int row, int column) {
  size_t length = 0;
  PgMem raw(PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, row, column)), &length));
  if (!raw) return makeError(ErrorCode::Internal, "database: cannot decode a bytea column (out of memory)");
  return Bytes(raw.get(), raw.get() + length);
}

}  // namespace sshca::store
