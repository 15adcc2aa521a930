// What `sshca backup` keeps and `sshca restore` accepts: ca.json loses a
// PIN or a DSN password written into it, secret-looking fields are found,
// restored paths move into the new directory; the archive round-trips and
// refuses members outside its directory; the SQLite copy is a checked,
// single-file snapshot.
#include <sys/stat.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "ca/core/common/file_io.h"
#include "ca/service/setup/backup_archive.h"
#include "ca/service/setup/backup_config.h"
#include "ca/service/store/sqlite/sqlite_backup.h"
#include "ca/service/store/sqlite/sqlite_connection.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;

namespace {

config::CaConfig sampleConfig() {
  config::CaConfig c;
  c.kms = "pkcs11:module-path=/m.so;token=sshca?pin-source=file:/old/secrets/pin";
  c.db.path = "/old/db/sshca.db";
  c.tls.key = "/old/secrets/tls.key";
  c.x509.rootCert = "/old/certs/root.pem";
  return c;
}

}  // namespace

TEST_CASE("backup: a kms URI's attributes are dropped or replaced in its path and query") {
  std::string uri = "pkcs11:token=a;pin-value=1234;slot-id=1?pin-source=file:/p&module-path=/m.so";
  CHECK(setup::withoutUriAttribute(uri, "pin-value") ==
        "pkcs11:token=a;slot-id=1?pin-source=file:/p&module-path=/m.so");
  CHECK(setup::withUriAttribute(uri, "pin-source", "file:/new") ==
        "pkcs11:token=a;pin-value=1234;slot-id=1?pin-source=file:/new&module-path=/m.so");
  CHECK(setup::withoutUriAttribute("pkcs11:token=a?pin-value=1", "pin-value") == "pkcs11:token=a");
}

TEST_CASE("backup: fields that look like secrets are found, paths to them are not") {
  auto j = nlohmann::json::parse(R"({"kms":"pkcs11:token=a?pin-value=1","provisioners":[{"clientSecret":"x",
      "privateKeyFile":"/k","pinFile":"/p"}],"db":{"dsn":"host=h password=pw"},"soPin":"1","principals":[]})");
  auto found = setup::secretLookingFields(j);
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::string>{"/db/dsn", "/kms", "/provisioners/0/clientSecret", "/soPin"});
}

TEST_CASE("backup: ca.json goes without pin-value and without the DSN's password") {
  config::CaConfig c = sampleConfig();
  c.kms += "&pin-value=987654";
  auto b = setup::configForBackup(c);
  REQUIRE(b.ok());
  CHECK(b->json.find("987654") == std::string::npos);
  CHECK(b->json.find("pin-source=file:/old/secrets/pin") != std::string::npos);
  CHECK(b->dropped.size() == 1);

  config::CaConfig pg = sampleConfig();
  pg.db.type = "postgresql";
  pg.db.dsn = "host=db1 dbname=sshca user=ca password=hunter2";
  auto p = setup::configForBackup(pg);
  REQUIRE(p.ok());
  CHECK(p->json.find("hunter2") == std::string::npos);
  CHECK(p->json.find("dbname") != std::string::npos);
}

TEST_CASE("restore: every path of ca.json moves into the new directory") {
  auto l = setup::caLayoutFor("/new");
  REQUIRE(l.ok());
  setup::RestoredConfig r = setup::configForRestore(sampleConfig(), *l);
  CHECK(r.config.db.path == "/new/db/sshca.db");
  CHECK(r.config.tls.key == "/new/secrets/tls.key");
  CHECK(r.config.x509.rootCert == "/new/certs/root_ca.crt");
  CHECK(r.config.kms == "pkcs11:module-path=/m.so;token=sshca?pin-source=file:/new/secrets/pin");
  REQUIRE(r.toProvide.size() == 2);
  CHECK(r.toProvide[1].original == "/old/secrets/pin");
}

TEST_CASE("backup archive: members round-trip; names outside its directory are refused") {
  test::TempDir dir;
  std::ofstream(dir.file("big")) << std::string(200000, 'x');
  std::string out = dir.file("a.tar");
  REQUIRE(
      setup::writeBackupArchive(out, {{"config/ca.json", "", "{}\n"}, {"db/sshca.db", dir.file("big"), ""}}, 0).ok());
  struct stat st {};
  REQUIRE(::stat(out.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(setup::writeBackupArchive(out, {}, 0).error().code == ErrorCode::AlreadyExists);

  auto names = setup::extractBackupArchive(out, [&](const std::string& n) -> std::optional<std::string> {
    return dir.file("x-" + n.substr(n.find('/') + 1));
  });
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"config/ca.json", "db/sshca.db"});
  CHECK(*readFile(dir.file("x-sshca.db")) == std::string(200000, 'x'));

  auto refusing = setup::extractBackupArchive(out, [](const std::string&) { return std::nullopt; });
  CHECK(refusing.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("sqlite backup: a checked single-file copy; a missing source leaves nothing") {
  test::TempDir dir;
  {
    auto db = store::openWriterConnection(dir.file("ca.db"));
    REQUIRE(db.ok());
  }
  auto version = store::backupSqliteDatabase(dir.file("ca.db"), dir.file("copy.db"));
  REQUIRE(version.ok());
  CHECK(*version >= 4);
  CHECK(*store::checkSqliteCopy(dir.file("copy.db")) == *version);
  CHECK(!std::filesystem::exists(dir.file("copy.db-wal")));
  CHECK(!store::backupSqliteDatabase(dir.file("ca.db"), dir.file("copy.db")).ok());  // exists
  CHECK(!store::backupSqliteDatabase(dir.file("none.db"), dir.file("copy2.db")).ok());
  CHECK(!std::filesystem::exists(dir.file("copy2.db")));
}
