// STORE_CONTRACT_CASE("Name") { ...uses `backend`... } defines one case of
// the store contract and registers it once per backend the store factory
// opens: "Name/sqlite" [store][sqlite] and "Name/postgresql"
// [store][postgres], each its own TEST_CASE and so its own ctest test. The
// PostgreSQL one passes with a warning where no server is configured, like
// the other [postgres] tests.
#pragma once

#include <catch2/catch.hpp>

#include "ca/core/common/result.h"
#include "tests/unit/support/store_backend.h"

namespace sshca::test {

using StoreContractBody = void (*)(const StoreBackend&);

inline void runStoreContract(const StoreBackend& backend, StoreContractBody body) {
  if (const char* reason = backend.skipReason()) {
    WARN(reason);
    return;
  }
  body(backend);
}

}  // namespace sshca::test

#define STORE_CONTRACT_CASE(name) STORE_CONTRACT_CASE_AS(name, SSHCA_CONCAT(storeContractCase, __LINE__))
#define STORE_CONTRACT_CASE_AS(name, body)                                                                            \
  static void body(const sshca::test::StoreBackend& backend);                                                         \
  TEST_CASE(name "/sqlite", "[store][sqlite]") { sshca::test::runStoreContract(sshca::test::SqliteBackend(), body); } \
  TEST_CASE(name "/postgresql", "[store][postgres]") {                                                                \
    sshca::test::runStoreContract(sshca::test::PostgresBackend(), body);                                              \
  }                                                                                                                   \
  static void body(const sshca::test::StoreBackend& backend)
