// The WAL write-gathering VFS every store connection opens through: a
// commit's frames reach the file as one write, and nothing SQLite relies
// on changes (what a second connection reads, large and spilling
// transactions, commits without fsync, a write the kernel refuses).
#include <sqlite3.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "ca/service/store/sqlite/sqlite_connection.h"
#include "ca/service/store/sqlite/wal_write_gather.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using store::walWriteCounts;

namespace {

void exec(sqlite3* db, const std::string& sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg);
  std::string why = msg ? msg : "";
  sqlite3_free(msg);
  INFO(sql << ": " << why);
  REQUIRE(rc == SQLITE_OK);
}

int64_t queryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
  store::SqliteStmt stmt(raw);
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  return sqlite3_column_int64(stmt.get(), 0);
}

std::string queryText(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) == SQLITE_OK);
  store::SqliteStmt stmt(raw);
  REQUIRE(sqlite3_step(stmt.get()) == SQLITE_ROW);
  return reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
}

// A writer (WAL, synchronous=FULL) with a table whose rows land on
// different pages through three indexes, as a certificate's do.
struct Database {
  test::TempDir dir;
  std::string path = dir.file("ca.db");
  store::SqliteDb writer = open();

  store::SqliteDb open() {
    auto db = store::openWriterConnection(path);
    REQUIRE(db.ok());
    exec(db->get(),
         "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT, v BLOB);"
         "CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); CREATE INDEX t_c ON t (c);");
    return std::move(db).value();
  }

  // A second connection, as the store's reader opens it.
  store::SqliteDb reader() const {
    auto db = store::openReaderConnection(path);
    REQUIRE(db.ok());
    return std::move(db).value();
  }

  // Rows with random index keys, so that a few hundred rows spread over
  // many leaf pages and each new row touches several of them.
  void insertRows(sqlite3* db, int rows, int blobBytes = 200) { exec(db, insertRowsSql(rows, blobBytes)); }
  static std::string insertRowsSql(int rows, int blobBytes) {
    return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(rows) +
           ") INSERT INTO t (a, b, c, v) SELECT hex(randomblob(16)), hex(randomblob(16)), hex(randomblob(16)), "
           "randomblob(" +
           std::to_string(blobBytes) + ") FROM n";
  }

  // A connection of plain SQLite, without the gathering VFS.
  store::SqliteDb plainReader() const {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    store::SqliteDb db(raw);
    REQUIRE(rc == SQLITE_OK);
    return db;
  }
};

}  // namespace

TEST_CASE("A commit's WAL frames reach the file as one write", "[store][sqlite][wal]") {
  Database d;
  d.insertRows(d.writer.get(), 500);
  const auto before = walWriteCounts();
  d.insertRows(d.writer.get(), 1);
  const auto after = walWriteCounts();

  // SQLite writes each frame as a header and a page: at least the table's
  // leaf and three index leaves, so at least eight writes, gathered into one.
  const auto received = after.received - before.received;
  const auto issued = after.issued - before.issued;
  INFO("received " << received << ", issued " << issued);
  CHECK(received >= 8);
  CHECK(issued == 1);
}

TEST_CASE("A transaction larger than one write of the platform VFS commits whole", "[store][sqlite][wal]") {
  // The unix VFS writes at most 128 KiB per call; 2 MiB of rows in one
  // transaction make gathered runs well past that and past the gathering
  // limit.
  Database d;
  exec(d.writer.get(), "BEGIN");
  d.insertRows(d.writer.get(), 256, 8192);
  exec(d.writer.get(), "COMMIT");

  store::SqliteDb reader = d.reader();
  CHECK(queryInt(reader.get(), "SELECT count(*) FROM t WHERE length(v) = 8192") == 256);
  CHECK(queryText(reader.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("Pages rewritten within a spilling transaction are read back as last written", "[store][sqlite][wal]") {
  // A page cache of 16 pages makes SQLite spill frames to the WAL during
  // the transaction and overwrite them in place when the same pages change
  // again: writes that do not follow each other in the file, each of which
  // must land in order.
  Database d;
  d.insertRows(d.writer.get(), 2000);
  exec(d.writer.get(), "PRAGMA cache_size = 16");
  exec(d.writer.get(), "BEGIN");
  for (int round = 1; round <= 5; ++round)
    exec(d.writer.get(), "UPDATE t SET a = '" + std::to_string(round) + "' || substr(a, 2), v = randomblob(300)");
  exec(d.writer.get(), "COMMIT");

  store::SqliteDb reader = d.reader();
  CHECK(queryInt(reader.get(), "SELECT count(*) FROM t WHERE a LIKE '5%' AND length(v) = 300") == 2000);
  CHECK(queryText(reader.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("A commit without fsync is read by another connection at once", "[store][sqlite][wal]") {
  // With synchronous=OFF SQLite never syncs the WAL, so only the commit
  // frame's header tells the VFS to write before SQLite publishes the
  // frames to readers.
  Database d;
  exec(d.writer.get(), "PRAGMA synchronous = OFF");
  store::SqliteDb reader = d.reader();
  for (int i = 1; i <= 50; ++i) {
    d.insertRows(d.writer.get(), 3);
    REQUIRE(queryInt(reader.get(), "SELECT count(*) FROM t") == 3 * i);
  }
  CHECK(queryText(reader.get(), "PRAGMA integrity_check") == "ok");
}

TEST_CASE("A database written through the VFS opens without it", "[store][sqlite][wal]") {
  // Nothing in the files is particular to the VFS: sqlite3 and older sshca
  // builds read them.
  Database d;
  d.insertRows(d.writer.get(), 300);
  store::SqliteDb plain = d.plainReader();
  CHECK(queryInt(plain.get(), "SELECT count(*) FROM t") == 300);
  CHECK(queryText(plain.get(), "PRAGMA integrity_check") == "ok");
}

namespace {

// Files this process writes may not grow past `bytes` while it lives: the
// kernel then refuses the write (EFBIG, with SIGXFSZ ignored), a real
// failed write with nothing faked. Restores both when it goes.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved_) == 0);
    previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lower) == 0);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previousHandler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_{};
  void (*previousHandler_)(int) = SIG_DFL;
};

// sqlite3_exec's result code, without requiring success.
int tryExec(sqlite3* db, const std::string& sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }

}  // namespace

TEST_CASE("A gathered WAL write the file system refuses fails its transaction, and nothing of it is read",
          "[store][sqlite][wal]") {
  Database d;
  d.insertRows(d.writer.get(), 100);
  store::SqliteDb reader = d.reader();
  const auto walBytes = std::filesystem::file_size(d.path + "-wal");
  const auto before = walWriteCounts();
  int failedWith = SQLITE_OK;
  {
    // Room for the first 64 KiB piece of the run and part of the second:
    // the refusal comes in the middle of a gathered run.
    FileSizeLimit limit(walBytes + 100 * 1024);
    exec(d.writer.get(), "BEGIN");
    failedWith = tryExec(d.writer.get(), Database::insertRowsSql(256, 8192));
    if (failedWith == SQLITE_OK) failedWith = tryExec(d.writer.get(), "COMMIT");
    if (!sqlite3_get_autocommit(d.writer.get())) (void)tryExec(d.writer.get(), "ROLLBACK");
  }
  INFO("failed with " << sqlite3_errstr(failedWith));
  CHECK(((failedWith & 0xff) == SQLITE_IOERR || (failedWith & 0xff) == SQLITE_FULL));
  CHECK(walWriteCounts().issued > before.issued);  // the gathered path was the one refused
  CHECK(queryInt(reader.get(), "SELECT count(*) FROM t") == 100);

  // The next commit writes over what the refused one left in the WAL.
  d.insertRows(d.writer.get(), 5);
  CHECK(queryInt(reader.get(), "SELECT count(*) FROM t") == 105);
  CHECK(queryText(reader.get(), "PRAGMA integrity_check") == "ok");
  reader = {};
  d.writer = {};
  CHECK(queryInt(d.plainReader().get(), "SELECT count(*) FROM t") == 105);
}
