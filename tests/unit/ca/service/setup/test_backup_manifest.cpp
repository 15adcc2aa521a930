// A backup's MANIFEST.json: written with its format and version, checked
// on restore (not an sshca backup, or one a newer sshca wrote, is
// refused); every member a backup holds has its place in the new CA
// directory, and no other name has one.
#include <catch2/catch.hpp>

#include "ca/service/setup/backup_manifest.h"

using namespace sshca;

TEST_CASE("backup manifest: written, read back, refused when foreign or newer") {
  nlohmann::json m = setup::backupManifest(
      {"ca",
       "/old/config/ca.json",
       {{"type", "sqlite"}},
       {"config/ca.json"},
       {},
       {{"the TLS key", "/new/secrets/tls.key", "/old/secrets/tls.key"}, {"the SoftHSM2 token", "/new/tokens", ""}},
       0});
  CHECK(m["created"] == "1970-01-01T00:00:00Z");
  CHECK(m["notIncluded"].size() == 1);
  auto read = setup::checkBackupManifest(m.dump());
  REQUIRE(read.ok());
  CHECK((*read)["name"] == "ca");

  CHECK(setup::checkBackupManifest("not json").error().code == ErrorCode::InvalidFormat);
  CHECK(setup::checkBackupManifest(R"({"format":"other","version":1})").error().code == ErrorCode::InvalidFormat);
  m["version"] = setup::kBackupFormatVersion + 1;
  CHECK(setup::checkBackupManifest(m.dump()).error().code == ErrorCode::Unsupported);
}

TEST_CASE("backup manifest: each member's place lies in the new directory; other names have none") {
  auto l = setup::caLayoutFor("/new");
  REQUIRE(l.ok());
  setup::MemberDestination where = setup::backupDestinations(*l);
  for (const char* name : {setup::kBackupManifest, setup::kBackupConfig, setup::kBackupRootCert,
                           setup::kBackupIntermediateCert, setup::kBackupServerChain, setup::kBackupSqlite,
                           setup::kBackupPgDump, setup::kBackupUserCaKey, setup::kBackupHostCaKey}) {
    INFO(name);
    REQUIRE(where(name));
    CHECK(where(name)->rfind("/new/", 0) == 0);
  }
  CHECK(*where(setup::kBackupConfig) == l->configFile);
  for (const char* name : {"secrets/pin", "secrets/tls.key", "tokens/x", "../ca.json", ""}) CHECK(!where(name));
}
