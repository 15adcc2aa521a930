#include "ca/service/store/postgres/postgres_pool.h"

#include "ca/service/store/postgres/postgres_connection.h"

namespace sshca::store {

PostgresPool::Lease::~Lease() {
  if (pool_ && conn_) pool_->giveBack(std::move(conn_));
}

PostgresPool::PostgresPool(std::string dsn, size_t size) : dsn_(std::move(dsn)), size_(size > 0 ? size : 1) {}

Result<PostgresPool::Lease> PostgresPool::acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [this] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    PgConn conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }
  ++open_;
  lock.unlock();  // connecting takes a round trip or a timeout: not under the lock
  auto conn = connectPostgres(dsn_);
  if (!conn.ok()) {
    lock.lock();
    --open_;
    available_.notify_one();
    return std::move(conn).error();
  }
  return Lease(this, std::move(conn).value());
}

// A connection that broke, or that is somehow left inside a transaction,
// is closed rather than handed to the next caller.
void PostgresPool::giveBack(PgConn conn) {
  bool reusable = PQstatus(conn.get()) == CONNECTION_OK && PQtransactionStatus(conn.get()) == PQTRANS_IDLE;
  if (!reusable) conn.reset();
  std::lock_guard lock(mu_);
  if (reusable)
    idle_.push_back(std::move(conn));
  else
    --open_;
  available_.notify_one();
}

void PostgresPool::recordCommit(double seconds) {
  std::lock_guard lock(tallyMu_);
  ++tally_.commits;
  tally_.seconds += seconds;
}

PostgresPool::CommitTally PostgresPool::commitTally() const {
  std::lock_guard lock(tallyMu_);
  return tally_;
}

}  // namespace sshca::store
