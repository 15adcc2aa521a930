// The databases the store factory (store/store_factory.h) opens, as seen by
// the store contract tests (test_store_ssh_contract.cpp): a fresh, private
// database per test, opened through the factory like `sshca serve` does,
// and a look at its tables beside the store.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "ca/service/config/ca_config.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/sqlite_statement.h"
#include "ca/service/store/ssh_issuance_store.h"
#include "ca/service/store/store_factory.h"
#include "tests/unit/support/pg_test_schema.h"
#include "tests/unit/support/temp_dir.h"

namespace sshca::test {

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  // Why this backend cannot run here (PostgreSQL without a server), or
  // nullptr.
  virtual const char* skipReason() const { return nullptr; }
  virtual config::DbConfig config() const = 0;
  // Rows in one of the database's tables.
  virtual int64_t count(const std::string& table) const = 0;
  // Makes the database look written by a newer sshca (schema version 999).
  // Call after open(): the schema must exist.
  virtual void markNewerSchema() const = 0;

  // A store on the database; calling it again is what a CA restart does.
  std::unique_ptr<store::SshIssuanceStore> open(size_t threads = 4) const {
    auto s = store::openSshIssuanceStore(config(), threads);
    if (!s.ok()) FAIL(s.error().message);
    return std::move(s).value();
  }
};

class SqliteBackend final : public StoreBackend {
 public:
  config::DbConfig config() const override {
    config::DbConfig cfg;
    cfg.type = "sqlite";
    cfg.path = dir_.file("ca.db");
    return cfg;
  }
  int64_t count(const std::string& table) const override {
    auto db = store::openReaderConnection(config().path);
    REQUIRE(db.ok());
    auto stmt = store::SqliteStatement::prepare(db->get(), "SELECT count(*) FROM " + table);
    REQUIRE(stmt.ok());
    REQUIRE(*stmt->step());
    return stmt->integer(0);
  }
  void markNewerSchema() const override {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(config().path.c_str(), &raw) == SQLITE_OK);
    store::SqliteDb db(raw);
    REQUIRE(sqlite3_exec(db.get(), "PRAGMA user_version = 999", nullptr, nullptr, nullptr) == SQLITE_OK);
  }

 private:
  TempDir dir_;
};

class PostgresBackend final : public StoreBackend {
 public:
  const char* skipReason() const override { return schema_.enabled() ? nullptr : kPostgresSkipped; }
  config::DbConfig config() const override {
    config::DbConfig cfg;
    cfg.type = "postgresql";
    cfg.dsn = schema_.dsn();
    return cfg;
  }
  int64_t count(const std::string& table) const override { return schema_.count(table); }
  void markNewerSchema() const override {
    schema_.exec("INSERT INTO " + schema_.name() + ".schema_version (version) VALUES (999)");
  }

 private:
  PgSchema schema_;
};

}  // namespace sshca::test
