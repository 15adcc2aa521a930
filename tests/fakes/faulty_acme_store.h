// An AcmeStore that forwards to a real one (SQLite or PostgreSQL) and fails
// chosen writes on demand.
//
// A fake is fine here: what is tested is how the ACME server answers a
// write the store refuses (a full disk, a PostgreSQL server gone) or one
// whose COMMIT went through but whose answer was lost, and no real store
// fails one chosen write on demand. Everything else, the rows and the
// compare-and-set included, is the real store's.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ca/service/store/acme_store.h"

namespace sshca::test {

class FaultyAcmeStore final : public store::AcmeStore {
 public:
  enum class Fault {
    Refuse,          // nothing is written, the write fails
    CommitThenFail,  // the write is done, and reported failed
  };

  explicit FaultyAcmeStore(std::unique_ptr<store::AcmeStore> real) : real_(std::move(real)) {}

  // The next `times` writes that move a row of `table` from `fromStatus`
  // (update(); completeOrder() for its order) fail as `fault` says.
  void failMoves(store::AcmeTable table, std::string fromStatus, int times = 1, Fault fault = Fault::Refuse) {
    std::lock_guard lock(mu_);
    rules_.push_back({table, std::move(fromStatus), times, fault});
  }

  // How many writes failed by design so far.
  int injected() {
    std::lock_guard lock(mu_);
    return injected_;
  }

  Status addNonce(const std::string& nonce, int64_t expiresAt) override { return real_->addNonce(nonce, expiresAt); }
  Result<bool> consumeNonce(const std::string& nonce, int64_t now) override { return real_->consumeNonce(nonce, now); }
  Status pruneNonces(int64_t now) override { return real_->pruneNonces(now); }
  Status insert(const std::vector<store::AcmeRow>& rows) override { return real_->insert(rows); }
  Result<store::AcmeRow> find(store::AcmeTable table, const std::string& provisioner, const std::string& id) override {
    return real_->find(table, provisioner, id);
  }
  Result<std::optional<store::AcmeRow>> findByLookupKey(store::AcmeTable table, const std::string& provisioner,
                                                        const std::string& lookupKey) override {
    return real_->findByLookupKey(table, provisioner, lookupKey);
  }
  Result<std::vector<store::AcmeRow>> children(store::AcmeTable table, const std::string& provisioner,
                                               const std::string& parentId) override {
    return real_->children(table, provisioner, parentId);
  }
  Status update(const store::AcmeRow& row, const std::string& expectedStatus) override {
    return maybeFail(row.table, expectedStatus, [&] { return real_->update(row, expectedStatus); });
  }
  Status completeOrder(const store::AcmeRow& order, const std::string& expectedOrderStatus,
                       const store::AcmeRow& certificate) override {
    return maybeFail(order.table, expectedOrderStatus,
                     [&] { return real_->completeOrder(order, expectedOrderStatus, certificate); });
  }
  Result<int64_t> count(store::AcmeTable table) override { return real_->count(table); }

 private:
  struct Rule {
    store::AcmeTable table;
    std::string fromStatus;
    int times;
    Fault fault;
  };

  template <class Write>
  Status maybeFail(store::AcmeTable table, const std::string& fromStatus, Write write) {
    Fault fault = Fault::Refuse;
    bool fail = false;
    {
      std::lock_guard lock(mu_);
      for (Rule& r : rules_) {
        if (r.table != table || r.fromStatus != fromStatus || r.times == 0) continue;
        --r.times;
        ++injected_;
        fault = r.fault;
        fail = true;
        break;
      }
    }
    if (!fail) return write();
    if (fault == Fault::CommitThenFail) {
      Status done = write();
      if (!done.ok()) return done;
      return makeError(ErrorCode::Unavailable, "injected fault: the connection was lost at COMMIT");
    }
    return makeError(ErrorCode::Unavailable, "injected fault: the database is not reachable");
  }

  std::unique_ptr<store::AcmeStore> real_;
  std::mutex mu_;
  std::vector<Rule> rules_;  // guarded by mu_
  int injected_ = 0;         // guarded by mu_
};

}  // namespace sshca::test
