// A schema of its own on the PostgreSQL server that SSHCA_TEST_PG_DSN names
// (tests/e2e/postgres_store.sh starts a private one and sets it), for one
// test: search_path and application_name point at it, and it is dropped
// when the test ends. Without the variable it is disabled and the test
// passes with a warning (SKIP_WITHOUT_POSTGRES).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::test {

class PgSchema {
 public:
  PgSchema() {
    const char* base = std::getenv("SSHCA_TEST_PG_DSN");
    if (!base || !*base) return;
    std::random_device rd;
    name_ = "sshca_test_" + std::to_string(rd()) + std::to_string(rd());
    auto admin = store::connectPostgres(base);
    REQUIRE(admin.ok());
    admin_ = std::move(admin).value();
    REQUIRE(store::pgExec(admin_.get(), "CREATE SCHEMA " + name_, "test schema").ok());
    auto withPath = store::dsnWithParameter(base, "options", "-csearch_path=" + name_);
    REQUIRE(withPath.ok());
    auto dsn = store::dsnWithParameter(*withPath, "application_name", name_);
    REQUIRE(dsn.ok());
    dsn_ = *dsn;
  }
  ~PgSchema() {
    if (admin_) (void)store::pgExec(admin_.get(), "DROP SCHEMA " + name_ + " CASCADE", "test schema");
  }
  PgSchema(const PgSchema&) = delete;
  PgSchema& operator=(const PgSchema&) = delete;

  bool enabled() const { return !dsn_.empty(); }
  const std::string& dsn() const { return dsn_; }
  const std::string& name() const { return name_; }

  // Rows in one of the test's tables (the admin session's search_path is
  // the default, so names are qualified).
  int64_t count(const std::string& table) const {
    auto r = store::pgExec(admin_.get(), "SELECT count(*) FROM " + name_ + "." + table, "count");
    REQUIRE(r.ok());
    return store::pgInt64(r->get(), 0, 0);
  }
  void exec(const std::string& sql) const { REQUIRE(store::pgExec(admin_.get(), sql, "test").ok()); }

 private:
  std::string name_;
  std::string dsn_;
  store::PgConn admin_;
};

inline constexpr const char* kPostgresSkipped =
    "SSHCA_TEST_PG_DSN is not set: skipped (tests/e2e/postgres_store.sh runs these on a private server)";

#define SKIP_WITHOUT_POSTGRES(schema)    \
  if (!(schema).enabled()) {             \
    WARN(sshca::test::kPostgresSkipped); \
    return;                              \
  }

}  // namespace sshca::test
