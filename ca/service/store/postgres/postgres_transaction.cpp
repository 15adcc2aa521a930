#include "ca/service/store/postgres/postgres_transaction.h"

#include <chrono>

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

namespace {

bool broken(PGconn* conn) { return PQstatus(conn) != CONNECTION_OK; }

// After a successful BEGIN: the work, then COMMIT, or ROLLBACK on failure.
Status workThenCommit(PGconn* conn, const PgWork& work, std::string_view what) {
  Status st = work(conn);
  if (st.ok()) {
    auto committed = pgExec(conn, "COMMIT", what);
    if (committed.ok()) return okStatus();
    st = std::move(committed).error();
  }
  if (!broken(conn)) (void)pgExec(conn, "ROLLBACK", what);
  return st;
}

}  // namespace

Status pgTransactionOn(PGconn* conn, const PgWork& work, std::string_view what) {
  SSHCA_RETURN_IF_ERROR(pgExec(conn, "BEGIN", what));
  return workThenCommit(conn, work, what);
}

Status pgTransaction(PostgresPool& pool, const PgWork& work, std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    SSHCA_ASSIGN_OR_RETURN(PostgresPool::Lease lease, pool.acquire());
    // BEGIN alone first: if it fails on a dead connection, nothing of the
    // work reached the server and a fresh connection may try again.
    auto start = std::chrono::steady_clock::now();
    auto begun = pgExec(lease.get(), "BEGIN", what);
    if (!begun.ok()) {
      if (attempt == 0 && broken(lease.get())) continue;
      return std::move(begun).error();
    }
    Status st = workThenCommit(lease.get(), work, what);
    // Only committed transactions count, as SQLite's committed batches do.
    if (st.ok()) pool.recordCommit(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return st;
  }
}

Status pgRead(PostgresPool& pool, const PgWork& work) {
  for (int attempt = 0;; ++attempt) {
    SSHCA_ASSIGN_OR_RETURN(PostgresPool::Lease lease, pool.acquire());
    Status st = work(lease.get());
    if (!st.ok() && attempt == 0 && broken(lease.get())) continue;
    return st;
  }
}

}  // namespace sshca::store
