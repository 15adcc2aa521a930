// pam_sshca's log_file (pam/audit_log.h): an attacker who can create files
// where the log goes plants a symlink, a FIFO, a second link or a file that
// others can write; each is refused and the target is never written.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "pam/audit_log.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

std::string contentOf(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("PamLogFileIsCreatedPrivate") {
  test::TempDir dir;
  auto fd = openLogFile(dir.file("pam.log"));
  REQUIRE(fd.ok());
  struct stat st {};
  REQUIRE(::stat(dir.file("pam.log").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("PamLogFileRefusesASymlinkAndLeavesItsTargetAlone") {
  test::TempDir dir;
  const std::string target = dir.file("shadow");
  std::ofstream(target) << "root:x:0:\n";
  REQUIRE(::chmod(target.c_str(), 0600) == 0);
  REQUIRE(::symlink(target.c_str(), dir.file("pam.log").c_str()) == 0);

  auto fd = openLogFile(dir.file("pam.log"));
  REQUIRE_FALSE(fd.ok());
  CHECK(fd.error().code == ErrorCode::IoError);
  CHECK_THAT(fd.error().message, Catch::Contains("Too many levels of symbolic links"));
  CHECK(contentOf(target) == "root:x:0:\n");
}

TEST_CASE("PamLogFileRefusesAFifoWithoutBlocking") {
  test::TempDir dir;
  const std::string fifo = dir.file("pam.log");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK_FALSE(openLogFile(fifo).ok());  // no reader: ENXIO, never a wait
}

TEST_CASE("PamLogFileRefusesASecondLinkOrOthersWriting") {
  test::TempDir dir;
  const std::string path = dir.file("pam.log");
  std::ofstream(path) << "";
  REQUIRE(::chmod(path.c_str(), 0620) == 0);
  auto groupWritable = openLogFile(path);
  REQUIRE_FALSE(groupWritable.ok());
  CHECK(groupWritable.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(groupWritable.error().message, Catch::Contains("writable by group or others"));

  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  REQUIRE(::link(path.c_str(), dir.file("elsewhere").c_str()) == 0);
  auto linked = openLogFile(path);
  REQUIRE_FALSE(linked.ok());
  CHECK_THAT(linked.error().message, Catch::Contains("has 2 links"));
}
