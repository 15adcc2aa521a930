// A SQLite VFS that hands a transaction's WAL frames to the kernel in one
// write instead of two per page.
//
// SQLite writes each WAL frame as two calls, its 24-byte header and then
// the page, and a certificate's commit touches about nine pages (the row,
// its indexes, the principal, the spent token): eighteen pwrite calls
// before the fsync, each a syscall and a partial write of a page-cache
// page. This VFS wraps the platform's default one and, for WAL files
// only, gathers writes that follow each other in the file and writes them
// as one. Everything else (the database file, locks, shared memory) goes
// straight through.
//
// What SQLite relies on still holds:
// - gathered bytes are written before any read, size, truncate, sync or
//   file control on the same file, and before a write elsewhere in it;
// - a transaction's frames are written, at the latest, with its commit
//   frame (the header says which it is) and so before SQLite publishes
//   them to readers in the WAL index, whatever `PRAGMA synchronous` is;
// - a failed gathered write is the error of the call that made it, before
//   the commit returns, so SQLite rolls the transaction back.
#pragma once

#include <cstdint>

namespace sshca::store {

// The VFS's name for sqlite3_open_v2, registered (not as the default) on
// the first call.
const char* walWriteGatherVfs();

// Calls into the VFS's WAL files since the process started (tests).
struct WalWriteCounts {
  uint64_t received = 0;  // xWrite calls from SQLite
  uint64_t issued = 0;    // writes passed to the underlying VFS
};
WalWriteCounts walWriteCounts();

}  // namespace sshca::store
