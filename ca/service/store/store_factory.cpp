#include "ca/service/store/store_factory.h"

#include "ca/service/store/postgres/postgres_acme_store.h"
#include "ca/service/store/postgres/postgres_connection.h"
#include "ca/service/store/postgres/postgres_ssh_store.h"
#include "ca/service/store/postgres/postgres_x509_store.h"
#include "ca/service/store/sqlite/sqlite_acme_store.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "ca/service/store/sqlite/sqlite_x509_store.h"

namespace sshca::store {

Result<std::unique_ptr<SshIssuanceStore>> openSshIssuanceStore(const config::DbConfig& db, size_t threads) {
  if (db.type == "sqlite") {
    auto opened = SqliteSshStore::open(db.path);
    if (!opened.ok()) return std::move(opened).error().context("database " + db.path);
    return std::unique_ptr<SshIssuanceStore>(std::move(opened).value());
  }
  if (db.type == "postgresql") {
    // Errors from open() already name the server (describeDsn).
    auto opened = PostgresSshStore::open(db.dsn, threads);
    if (!opened.ok()) return std::move(opened).error();
    return std::unique_ptr<SshIssuanceStore>(std::move(opened).value());
  }
  return makeError(ErrorCode::Unsupported, "database type '" + db.type + "' is not supported (sqlite, postgresql)");
}

Result<std::unique_ptr<CertificateStore>> openCertificateStore(const config::DbConfig& db, size_t connections) {
  if (db.type == "sqlite") {
    auto opened = openSqliteCertificateStore(db.path);
    if (!opened.ok()) return std::move(opened).error().context("database " + db.path);
    return opened;
  }
  if (db.type == "postgresql") return openPostgresCertificateStore(db.dsn, connections);
  return makeError(ErrorCode::Unsupported, "database type '" + db.type + "' is not supported (sqlite, postgresql)");
}

Result<std::unique_ptr<AcmeStore>> openAcmeStore(const config::DbConfig& db, size_t threads) {
  if (db.type == "sqlite") {
    auto opened = openSqliteAcmeStore(db.path);
    if (!opened.ok()) return std::move(opened).error().context("database " + db.path);
    return std::move(opened).value();
  }
  if (db.type == "postgresql") return openPostgresAcmeStore(db.dsn, threads);
  return makeError(ErrorCode::Unsupported, "database type '" + db.type + "' is not supported (sqlite, postgresql)");
}

}  // namespace sshca::store
