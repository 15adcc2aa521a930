#include "ca/service/store/sqlite/wal_write_gather.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace sshca::store {
namespace {

constexpr const char* kVfsName = "sshca-wal-gather";
// A transaction larger than this (a migration, a bulk revocation) is
// written in pieces of about this size; its frames are not published
// before its commit frame, so pieces are as safe as one write.
constexpr size_t kMaxGatheredBytes = 1 << 20;
// The unix VFS writes at most 128 KiB in one call (it masks the length to
// 17 bits; SQLite itself never asks for more), so gathered bytes go down in
// pieces of this size.
constexpr size_t kMaxWriteBytes = 64 << 10;
constexpr int kFrameHeaderBytes = 24;
constexpr int kWalHeaderBytes = 32;

std::atomic<uint64_t> receivedWrites{0};
std::atomic<uint64_t> issuedWrites{0};

sqlite3_vfs* underlying = nullptr;

struct Gathered {
  std::vector<uint8_t> bytes;
  sqlite3_int64 offset = 0;
  bool commitFrameNext = false;  // the last write was a commit frame's header
};

// What SQLite allocates for a WAL file opened through this VFS (szOsFile):
// this header, then the underlying VFS's file at kRealFileOffset.
struct WalFile {
  sqlite3_file base;
  sqlite3_file* real;
  Gathered* gathered;  // owned: made in openFile, destroyed in closeFile
};
constexpr size_t kRealFileOffset = (sizeof(WalFile) + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);

WalFile* walFile(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }
sqlite3_file* real(sqlite3_file* f) { return walFile(f)->real; }
const sqlite3_io_methods* io(sqlite3_file* f) { return real(f)->pMethods; }

// Bytes 4-7 of a frame header: the database size after a commit, zero in
// every other frame.
bool isCommitFrameHeader(const void* buf, int amt, sqlite3_int64 offset) {
  if (amt != kFrameHeaderBytes || offset < kWalHeaderBytes) return false;
  const auto* b = static_cast<const uint8_t*>(buf);
  return (b[4] | b[5] | b[6] | b[7]) != 0;
}

int flush(sqlite3_file* f) {
  Gathered& g = *walFile(f)->gathered;
  if (g.bytes.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (size_t done = 0; done < g.bytes.size() && rc == SQLITE_OK; done += kMaxWriteBytes) {
    issuedWrites.fetch_add(1, std::memory_order_relaxed);
    const size_t n = std::min(kMaxWriteBytes, g.bytes.size() - done);
    rc =
        io(f)->xWrite(real(f), g.bytes.data() + done, static_cast<int>(n), g.offset + static_cast<sqlite3_int64>(done));
  }
  // Kept or not, a failed transaction's frames are rewritten from its
  // start by the next one; dropping them keeps them from being written
  // over newer frames later.
  g.bytes.clear();
  return rc;
}

int writeFile(sqlite3_file* f, const void* buf, int amt, sqlite3_int64 offset) {
  receivedWrites.fetch_add(1, std::memory_order_relaxed);
  Gathered& g = *walFile(f)->gathered;
  const auto end = g.offset + static_cast<sqlite3_int64>(g.bytes.size());
  if (!g.bytes.empty() && (offset != end || g.bytes.size() + amt > kMaxGatheredBytes)) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (g.bytes.empty()) g.offset = offset;
  const auto* b = static_cast<const uint8_t*>(buf);
  g.bytes.insert(g.bytes.end(), b, b + amt);
  if (g.commitFrameNext) {
    g.commitFrameNext = false;
    return flush(f);
  }
  g.commitFrameNext = isCommitFrameHeader(buf, amt, offset);
  return SQLITE_OK;
}

int closeFile(sqlite3_file* f) {
  int flushed = flush(f);
  int rc = io(f)->xClose(real(f));
  std::unique_ptr<Gathered> owned(walFile(f)->gathered);
  walFile(f)->gathered = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

int readFile(sqlite3_file* f, void* buf, int amt, sqlite3_int64 offset) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return io(f)->xRead(real(f), buf, amt, offset);
}

int truncateFile(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return io(f)->xTruncate(real(f), size);
}

int syncFile(sqlite3_file* f, int flags) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return io(f)->xSync(real(f), flags);
}

int fileSize(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return io(f)->xFileSize(real(f), size);
}

int fileControl(sqlite3_file* f, int op, void* arg) {
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return io(f)->xFileControl(real(f), op, arg);
}

// Locks belong to the database file; a WAL file passes them on unchanged.
int lock(sqlite3_file* f, int level) { return io(f)->xLock(real(f), level); }
int unlock(sqlite3_file* f, int level) { return io(f)->xUnlock(real(f), level); }
int checkReservedLock(sqlite3_file* f, int* out) { return io(f)->xCheckReservedLock(real(f), out); }
int sectorSize(sqlite3_file* f) { return io(f)->xSectorSize(real(f)); }
int deviceCharacteristics(sqlite3_file* f) { return io(f)->xDeviceCharacteristics(real(f)); }

// Version 1: shared memory and memory-mapped reads are the database
// file's, never a WAL file's, so SQLite has no reason to ask for them.
constexpr sqlite3_io_methods kWalMethods = {
    1,       closeFile,         readFile,    writeFile,  truncateFile,          syncFile, fileSize, lock,
    unlock,  checkReservedLock, fileControl, sectorSize, deviceCharacteristics, nullptr,  nullptr,  nullptr,
    nullptr, nullptr,           nullptr};

int openFile(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
  // Not a WAL file: the underlying VFS's file takes the whole allocation,
  // its own methods and no wrapper.
  if (!(flags & SQLITE_OPEN_WAL)) return underlying->xOpen(underlying, name, f, flags, outFlags);
  WalFile* w = walFile(f);
  w->base.pMethods = nullptr;
  w->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealFileOffset);
  w->real->pMethods = nullptr;
  int rc = underlying->xOpen(underlying, name, w->real, flags, outFlags);
  if (rc != SQLITE_OK) {
    // SQLite closes only what its own pMethods (ours, still null) names.
    if (w->real->pMethods) w->real->pMethods->xClose(w->real);
    return rc;
  }
  w->gathered = std::make_unique<Gathered>().release();
  w->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

sqlite3_vfs* registerVfs() {
  static sqlite3_vfs vfs;
  underlying = sqlite3_vfs_find(nullptr);
  // Everything but opening is the underlying VFS's own code, called with
  // this struct: its fields (mxPathname, pAppData) are the same.
  vfs = *underlying;
  vfs.pNext = nullptr;
  vfs.zName = kVfsName;
  vfs.szOsFile = static_cast<int>(kRealFileOffset) + underlying->szOsFile;
  vfs.xOpen = openFile;
  sqlite3_vfs_register(&vfs, 0);
  return &vfs;
}

}  // namespace

const char* walWriteGatherVfs() {
  static std::once_flag once;
  std::call_once(once, registerVfs);
  return kVfsName;
}

WalWriteCounts walWriteCounts() {
  return {receivedWrites.load(std::memory_order_relaxed), issuedWrites.load(std::memory_order_relaxed)};
}

}  // namespace sshca::store
