// `sshca restore` reads an archive an attacker may have written: a member
// that climbs out of the archive's directory, an absolute name, a symlink,
// a hard link or a device is refused, and nothing is written for it, not in
// the new directory and not where the member points.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <map>

#include <catch2/catch.hpp>

#include "ca/core/common/file_io.h"
#include "ca/service/setup/archive_handles.h"
#include "ca/service/setup/backup_archive.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;

namespace {

namespace fs = std::filesystem;

struct EvilMember {
  std::string path;
  unsigned type = AE_IFREG;
  std::string link;     // a symlink's target or a hard link's original
  std::string content;  // a regular file's bytes
};

// Writes a tar of the given members with libarchive, as a forger would.
void writeTar(const std::string& out, const std::vector<EvilMember>& members) {
  setup::ArchiveWriter a(archive_write_new());
  REQUIRE(archive_write_set_format_pax_restricted(a.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_open_filename(a.get(), out.c_str()) == ARCHIVE_OK);
  for (const auto& m : members) {
    setup::ArchiveEntry e(archive_entry_new());
    archive_entry_set_pathname(e.get(), m.path.c_str());
    archive_entry_set_filetype(e.get(), m.type);
    archive_entry_set_perm(e.get(), 0644);
    if (m.type == AE_IFLNK) archive_entry_set_symlink(e.get(), m.link.c_str());
    if (m.type == AE_IFREG && !m.link.empty()) archive_entry_set_hardlink(e.get(), m.link.c_str());
    if (m.type == AE_IFCHR) archive_entry_set_rdev(e.get(), ::makedev(1, 3));
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(m.content.size()));
    REQUIRE(archive_write_header(a.get(), e.get()) == ARCHIVE_OK);
    if (!m.content.empty())
      REQUIRE(archive_write_data(a.get(), m.content.data(), m.content.size()) ==
              static_cast<la_ssize_t>(m.content.size()));
  }
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
}

// Restore's shape: a fixed place in `newDir` for each known name.
setup::MemberDestination into(const std::string& newDir) {
  std::map<std::string, std::string> where{{"config/ca.json", newDir + "/ca.json"},
                                           {"db/sshca.db", newDir + "/sshca.db"}};
  return [where](const std::string& name) -> std::optional<std::string> {
    auto it = where.find(name);
    if (it == where.end()) return std::nullopt;
    return it->second;
  };
}

bool emptyDir(const std::string& dir) { return fs::is_directory(dir) && fs::is_empty(dir); }

}  // namespace

TEST_CASE("restore archive: a member that would land outside the new directory is refused, nothing written") {
  test::TempDir dir;
  const std::string newDir = dir.file("new");
  fs::create_directory(newDir);
  const std::string outside = dir.file("outside");
  const std::string tar = dir.file("evil.tar");

  EvilMember member;
  SECTION("a name climbing out with ..") { member = {"sshca-backup/../outside", AE_IFREG, "", "owned\n"}; }
  SECTION("a .. inside the root") { member = {"sshca-backup/config/../../outside", AE_IFREG, "", "owned\n"}; }
  SECTION("an absolute name") { member = {outside, AE_IFREG, "", "owned\n"}; }
  SECTION("an absolute name under the root's name") { member = {"/sshca-backup/config/ca.json", AE_IFREG, "", "x"}; }
  SECTION("a symlink where ca.json belongs") { member = {"sshca-backup/config/ca.json", AE_IFLNK, outside, ""}; }
  SECTION("a hard link where ca.json belongs") { member = {"sshca-backup/config/ca.json", AE_IFREG, outside, ""}; }
  SECTION("a device where the database belongs") { member = {"sshca-backup/db/sshca.db", AE_IFCHR, "", ""}; }
  SECTION("a name the backup does not have") { member = {"sshca-backup/secrets/pin", AE_IFREG, "", "1234\n"}; }
  writeTar(tar, {member});

  auto r = setup::extractBackupArchive(tar, into(newDir));
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
  CHECK(emptyDir(newDir));
  CHECK(!fs::exists(outside));
  CHECK(!fs::exists(dir.file("sshca-backup")));
}

TEST_CASE("restore archive: a symlink planted at a destination is not followed") {
  test::TempDir dir;
  const std::string newDir = dir.file("new");
  fs::create_directory(newDir);
  const std::string outside = dir.file("outside");
  fs::create_symlink(outside, newDir + "/ca.json");
  writeTar(dir.file("a.tar"), {{"sshca-backup/config/ca.json", AE_IFREG, "", "{}\n"}});

  auto r = setup::extractBackupArchive(dir.file("a.tar"), into(newDir));
  REQUIRE(!r.ok());
  CHECK(!fs::exists(outside));
  CHECK(fs::is_symlink(newDir + "/ca.json"));
}

TEST_CASE("restore archive: a name seen twice is refused, the first copy is not overwritten") {
  test::TempDir dir;
  const std::string newDir = dir.file("new");
  fs::create_directory(newDir);
  writeTar(dir.file("a.tar"), {{"sshca-backup/config/ca.json", AE_IFREG, "", "first\n"},
                               {"sshca-backup/config/ca.json", AE_IFREG, "", "second\n"}});

  auto r = setup::extractBackupArchive(dir.file("a.tar"), into(newDir));
  REQUIRE(!r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
  CHECK(*readFile(newDir + "/ca.json") == "first\n");
}
