// A fixed-size pool of PostgreSQL connections, one per thread that may
// use the database at once (the HTTP workers): a request never opens a
// connection of its own, and the server sees a bounded number of sessions
// per CA instance. Connections open on first need; one that broke (server
// restart, network) is dropped when returned and replaced on next need.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/store/postgres/postgres_handles.h"

namespace sshca::store {

class PostgresPool {
 public:
  // A connection borrowed from the pool, given back when destroyed.
  class Lease {
   public:
    Lease(PostgresPool* pool, PgConn conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&& o) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    PGconn* get() const { return conn_.get(); }

   private:
    PostgresPool* pool_;
    PgConn conn_;
  };

  PostgresPool(std::string dsn, size_t size);

  // Waits while every connection is lent out. Unavailable if a new
  // connection cannot be opened.
  Result<Lease> acquire();

  const std::string& dsn() const { return dsn_; }

  // Write transactions committed on the pool's connections and the time
  // from BEGIN to COMMIT's return, summed: the metrics' commit series.
  struct CommitTally {
    uint64_t commits = 0;
    double seconds = 0;
  };
  void recordCommit(double seconds);
  CommitTally commitTally() const;

 private:
  void giveBack(PgConn conn);

  const std::string dsn_;
  const size_t size_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<PgConn> idle_;
  size_t open_ = 0;             // idle plus lent out plus being opened
  mutable std::mutex tallyMu_;  // apart from mu_: counting never waits for a connection
  CommitTally tally_;
};

}  // namespace sshca::store
