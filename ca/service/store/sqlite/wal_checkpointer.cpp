#include "ca/service/store/sqlite/wal_checkpointer.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "ca/core/common/thread_name.h"
#include "ca/service/store/sqlite/sqlite_statement.h"

namespace sshca::store {

WalCheckpointer::WalCheckpointer(SqliteDb db, std::chrono::milliseconds interval, int restartFrames,
                                 int64_t sizeLimitBytes, std::shared_ptr<RestartBarrier> barrier,
                                 std::shared_ptr<const WalLength> walLength, std::chrono::milliseconds passInterval)
    : db_(std::move(db)),
      interval_(interval),
      restartFrames_(restartFrames),
      sizeLimitBytes_(sizeLimitBytes),
      barrier_(std::move(barrier)),
      walLength_(std::move(walLength)),
      passInterval_(passInterval),
      thread_([this] {
        nameThisThread("sshca-wal");
        run();
      }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

Result<WalCheckpointer::Progress> WalCheckpointer::checkpointNow() {
  std::lock_guard lock(dbMu_);
  SSHCA_ASSIGN_OR_RETURN(Progress passive, checkpoint("PRAGMA wal_checkpoint(PASSIVE)"));
  if (passive.walFrames > restartFrames_) SSHCA_RETURN_IF_ERROR(restart(passive));
  return passive;
}

// A pass's walFrames is the WAL's length when it began, so the difference
// between two passes is what came in during the first. The WAL may also
// have started over by itself (everything copied when a write began).
Status WalCheckpointer::restart(Progress last) {
  for (int i = 0; i < kCatchUpPasses; ++i) {
    SSHCA_ASSIGN_OR_RETURN(Progress next, checkpoint("PRAGMA wal_checkpoint(PASSIVE)"));
    const int cameIn = next.walFrames - last.walFrames;
    last = next;
    if (cameIn < kFewFrames) break;
  }
  if (last.walFrames <= restartFrames_) return okStatus();
  RestartBarrier::Hold turn(barrier_.get());
  SSHCA_RETURN_IF_ERROR(checkpoint("PRAGMA wal_checkpoint(RESTART)"));
  return okStatus();
}

Result<bool> WalCheckpointer::truncateIfGrown() {
  std::lock_guard lock(dbMu_);
  if (walFileBytes() <= sizeLimitBytes_) return true;
  SSHCA_ASSIGN_OR_RETURN(Progress p, checkpoint("PRAGMA wal_checkpoint(TRUNCATE)"));
  return !p.busy;
}

uint64_t WalCheckpointer::passes() const { return passes_.load(std::memory_order_relaxed); }

int64_t WalCheckpointer::walFileBytes() const {
  const char* main = sqlite3_db_filename(db_.get(), "main");
  if (!main || !*main) return 0;
  std::error_code ec;
  auto size = std::filesystem::file_size(std::string(main) + "-wal", ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// Through the PRAGMA rather than sqlite3_wal_checkpoint_v2(): on a
// connection that has not read the database yet the C call finds no WAL
// open and does nothing; the statement opens it first.
Result<WalCheckpointer::Progress> WalCheckpointer::checkpoint(const char* pragma) {
  SSHCA_ASSIGN_OR_RETURN(SqliteStatement stmt, SqliteStatement::prepare(db_.get(), pragma));
  SSHCA_ASSIGN_OR_RETURN(bool row, stmt.step());
  if (!row) return makeError(ErrorCode::Internal, std::string("database: ") + pragma + " returned no row");
  return Progress{static_cast<int>(stmt.integer(1)), static_cast<int>(stmt.integer(2)), stmt.integer(0) != 0};
}

// A failed checkpoint (the database busy, a full disk) is tried again at
// the next pass; the WAL only grows meanwhile.
// The start-up truncation first, tried again at each tick until done.
void WalCheckpointer::run() {
  auto first = truncateIfGrown();
  bool withinLimit = first.ok() && *first;
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    if (!withinLimit) {
      auto done = truncateIfGrown();
      withinLimit = done.ok() && *done;
    }
    if (passDue()) {
      (void)checkpointNow();
      passes_.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
  }
}

// Past restartFrames only if the writer committed since the last pass: its
// count stays high after a RESTART until the next commit.
bool WalCheckpointer::passDue() {
  if (!walLength_) return true;
  const auto now = std::chrono::steady_clock::now();
  const int frames = walLength_->frames();
  const bool grown = frames > restartFrames_ && frames != framesAtLastPass_;
  if (!grown && now - lastPass_ < passInterval_) return false;
  lastPass_ = now;
  framesAtLastPass_ = frames;
  return true;
}

}  // namespace sshca::store
