#include "ca/service/store/sqlite/group_commit.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "ca/core/common/thread_name.h"
#include "ca/core/common/wait_for_answer.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

namespace {

// Through SqliteStatement: the writer's statements are cached, so the
// transaction and savepoint commands are parsed once, not per write.
Status exec(SqliteConn db, const char* sql) {
  auto stmt = SqliteStatement::prepare(db, sql);
  Status s = stmt.ok() ? stmt->run() : Status(std::move(stmt).error());
  if (!s.ok()) return std::move(s).error().context(sql);
  return okStatus();
}

// After some errors (I/O, disk full, out of memory) SQLite rolls back the
// whole transaction by itself; then no write of the batch survived.
bool transactionLost(sqlite3* db) { return sqlite3_get_autocommit(db) != 0; }

}  // namespace

GroupCommitter::GroupCommitter(SqliteDb db, size_t maxBatch, std::shared_ptr<RestartBarrier> barrier)
    : db_(std::move(db)), maxBatch_(std::max<size_t>(maxBatch, 1)), barrier_(std::move(barrier)), thread_([this] {
        nameThisThread("sshca-commit");
        run();
      }) {}

GroupCommitter::~GroupCommitter() { shutdown(); }

Status GroupCommitter::write(Write write) {
  return waitForAnswer<void>([&](std::function<void(Status)> answer) { submit(std::move(write), std::move(answer)); });
}

void GroupCommitter::submit(Write write, Done done) {
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    return done(makeError(ErrorCode::Unavailable, "database: the store is closed"));
  }
  queue_.push_back(Pending{std::move(write), std::move(done), okStatus()});
  if (committing_ || queue_.size() > 1 || quietCommits_ < kQuietCommitsBeforeInline) {  // see group_commit.h
    wake_.notify_one();
    return;
  }
  committing_ = true;
  std::vector<Pending> batch = takeQueued();
  lock.unlock();
  commitAndAnswer(batch);
}

void GroupCommitter::shutdown() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

GroupCommitStats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::run() {
  for (;;) {
    std::vector<Pending> batch = takeBatch();
    if (batch.empty()) return;  // stopping, and everything queued is done
    commitAndAnswer(batch);
  }
}

std::vector<GroupCommitter::Pending> GroupCommitter::takeBatch() {
  std::unique_lock lock(mu_);
  wake_.wait(lock, [&] { return !committing_ && (stopping_ || !queue_.empty()); });
  if (queue_.empty()) return {};
  committing_ = true;
  return takeQueued();
}

std::vector<GroupCommitter::Pending> GroupCommitter::takeQueued() {
  size_t n = std::min(queue_.size(), maxBatch_);
  std::vector<Pending> batch;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

// The answers go out before the next batch may start, as they did when
// only the thread committed; what queued meanwhile (an answer's own retry
// too) is the thread's.
void GroupCommitter::commitAndAnswer(std::vector<Pending>& batch) {
  commitBatch(batch);
  for (Pending& p : batch) p.done(p.result);
  std::lock_guard lock(mu_);
  committing_ = false;
  quietCommits_ = queue_.empty() ? quietCommits_ + 1 : 0;
  if (!queue_.empty() || stopping_) wake_.notify_one();
}

void GroupCommitter::commitBatch(std::vector<Pending>& batch) {
  RestartBarrier::Batch turn(barrier_.get());
  const auto started = std::chrono::steady_clock::now();
  SqliteConn db(db_.get(), &statements_);
  Status failed = exec(db, "BEGIN IMMEDIATE");
  for (size_t i = 0; failed.ok() && i < batch.size(); ++i) {
    batch[i].result = runOne(batch[i]);
    if (transactionLost(db))
      failed = batch[i].result.ok() ? makeError(ErrorCode::Unavailable, "database: the transaction was rolled back")
                                    : batch[i].result;
  }
  if (failed.ok()) failed = exec(db, "COMMIT");
  bool committed = failed.ok();
  if (!committed) {
    if (!transactionLost(db)) (void)exec(db, "ROLLBACK");
    // Nothing of the batch is durable: writes that succeeded inside it
    // must not tell their caller otherwise.
    for (Pending& p : batch)
      if (p.result.ok()) p.result = failed;
  }
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  recordBatch(batch.size(), committed, static_cast<uint64_t>(took.count()));
}

Status GroupCommitter::runOne(Pending& pending) {
  SqliteConn db(db_.get(), &statements_);
  SSHCA_RETURN_IF_ERROR(exec(db, "SAVEPOINT w"));
  Status s = pending.write(db);
  if (transactionLost(db)) return s;
  if (s.ok()) {
    Status released = exec(db, "RELEASE w");
    if (released.ok()) return s;
    s = std::move(released);
  }
  // Undo this write only; the savepoint's outer transaction stays open.
  (void)exec(db, "ROLLBACK TO w");
  (void)exec(db, "RELEASE w");
  return s;
}

void GroupCommitter::recordBatch(size_t size, bool committed, uint64_t micros) {
  std::lock_guard lock(mu_);
  stats_.writes += size;
  if (committed) {
    ++stats_.commits;
    stats_.commitMicros += micros;
  }
  stats_.largestBatch = std::max<uint64_t>(stats_.largestBatch, size);
}

}  // namespace sshca::store
