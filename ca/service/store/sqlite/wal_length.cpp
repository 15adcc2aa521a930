#include "ca/service/store/sqlite/wal_length.h"

namespace sshca::store {

void WalLength::attachTo(sqlite3* writer) { sqlite3_wal_hook(writer, &WalLength::onCommit, this); }

int WalLength::onCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int frames) {
  static_cast<WalLength*>(self)->frames_.store(frames, std::memory_order_relaxed);
  return SQLITE_OK;
}

}  // namespace sshca::store
