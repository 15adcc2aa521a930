// sshca db: the CA's database. `db migrate` moves an existing CA's
// records from its SQLite file into PostgreSQL, for several CA instances
// sharing one database (docs/storage.md).
#include <time.h>

#include <iostream>
#include <memory>
#include <string>

#include "ca/cli/commands.h"
#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_sqlite_import.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
};

Result<std::string> sqlitePathOf(const std::string& from) {
  constexpr std::string_view kPrefix = "sqlite:";
  if (!from.starts_with(kPrefix) || from.size() == kPrefix.size())
    return makeError(ErrorCode::InvalidArgument, "--from must be sqlite:PATH (the CA's SQLite file)");
  return from.substr(kPrefix.size());
}

// "postgresql:DSN" with DSN in key=value form, or a postgresql:// URI as it is.
// Never quotes the value in an error: it may hold a password.
Result<std::string> postgresDsnOf(const std::string& to) {
  if (to.starts_with("postgresql://") || to.starts_with("postgres://")) return to;
  constexpr std::string_view kPrefix = "postgresql:";
  if (!to.starts_with(kPrefix) || to.size() == kPrefix.size())
    return makeError(ErrorCode::InvalidArgument,
                     "--to must be postgresql:DSN (e.g. postgresql:'host=db1 dbname=sshca user=sshca') or a "
                     "postgresql:// URI");
  return to.substr(kPrefix.size());
}

void runMigrate(const MigrateOptions& o) {
  std::string path = orFail(sqlitePathOf(o.from));
  std::string dsn = orFail(postgresDsnOf(o.to));
  auto counts = store::importSqliteIntoPostgres(path, dsn, static_cast<int64_t>(::time(nullptr)));
  if (!counts.ok()) fail(std::move(counts).error().context("sshca db migrate"));
  std::cout << "copied sqlite:" << path << " to " << store::describeDsn(dsn) << "\n"
            << "  certificates: " << counts->certificates << " (" << counts->revoked << " revoked)\n"
            << "  used tokens:  " << counts->tokens << " (still presentable; long-expired ones are not copied)\n"
            << "  KRL version:  " << counts->krlVersion << "\n"
            << "  denied:       " << counts->denied << " identities\n"
            << "  X.509:        " << counts->x509Certificates << " certificates, with their CRL numbers\n"
            << "  ACME:         " << counts->acmeAccounts << " accounts, with their orders and certificates\n"
            << "next: stop the CA, set \"db\": {\"type\": \"postgresql\", \"dsn\": \"...\"} in ca.json and start "
               "sshca serve\n";
}

}  // namespace

void registerDbCommands(CLI::App& app) {
  auto* db = app.add_subcommand("db", "The CA's database (SQLite or PostgreSQL)");
  db->require_subcommand(1);
  auto o = std::make_shared<MigrateOptions>();
  auto* migrate = db->add_subcommand("migrate", "Copy an SQLite CA's records into a new PostgreSQL database");
  migrate->add_option("--from", o->from, "the source: sqlite:PATH (e.g. sqlite:/var/lib/sshca/db/sshca.db)")
      ->required();
  migrate->add_option("--to", o->to, "the target: postgresql:DSN or a postgresql:// URI (libpq connection string)")
      ->required();
  migrate->footer(
      "Copies every SSH certificate record (revocations included), the used one-time tokens\n"
      "that could still be presented, the KRL version, the denied identities, the X.509\n"
      "certificates with their revocations and CRL numbers, and the ACME accounts, orders and\n"
      "certificates, in one transaction. The PostgreSQL schema is created or migrated first. A\n"
      "target that already holds any of these is refused and left unchanged: records are never\n"
      "merged into a live database or copied twice. The SQLite file is only read. Stop the CA\n"
      "first.\n"
      "Keep the password out of the command line: libpq reads PGPASSWORD, ~/.pgpass or a\n"
      "passfile= named in the DSN.\n"
      "Example:\n"
      "  sshca db migrate --from sqlite:/var/lib/sshca/db/sshca.db \\\n"
      "      --to 'postgresql:host=db1.example.com dbname=sshca user=sshca'");
  migrate->callback([o] { runMigrate(*o); });
}

}  // namespace sshca::cli
