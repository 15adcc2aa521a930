// readSecretFile: the whole file into SecretBytes, within its limit, with
// the error kinds callers tell apart.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ca/core/common/file_io.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using sshca::test::TempDir;

namespace {

std::string filled(size_t n) {
  std::string s(n, 'k');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace

TEST_CASE("ReadSecretFileReadsWholeFilesUpToItsLimit") {
  TempDir dir;
  for (size_t n : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{70000}}) {
    INFO(n);
    const std::string path = dir.file("s" + std::to_string(n));
    REQUIRE(writeFileAtomic(path, filled(n), 0600).ok());
    auto got = readSecretFile(path, 70000, "key file");
    REQUIRE(got.ok());
    CHECK(got->view() == filled(n));
  }
  const std::string big = dir.file("big");
  REQUIRE(writeFileAtomic(big, filled(70001), 0600).ok());
  auto over = readSecretFile(big, 70000, "key file");
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::InvalidArgument);
  CHECK(over.error().message == "key file " + big + " is larger than 70000 bytes");
  auto exact = readSecretFile(big, 70001, "key file");
  REQUIRE(exact.ok());
  CHECK(exact->size() == 70001);
}

TEST_CASE("ReadSecretFileSaysWhyItCouldNotRead") {
  TempDir dir;
  auto missing = readSecretFile(dir.file("none"), 1024, "PIN file");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().message == "cannot read PIN file " + dir.file("none") + ": No such file or directory");
  if (::geteuid() != 0) {  // root reads a mode-000 file anyway
    const std::string locked = dir.file("locked");
    REQUIRE(writeFileAtomic(locked, "1234", 0600).ok());
    REQUIRE(::chmod(locked.c_str(), 0) == 0);
    auto denied = readSecretFile(locked, 1024, "PIN file");
    REQUIRE_FALSE(denied.ok());
    CHECK(denied.error().code == ErrorCode::PermissionDenied);
  }
}
