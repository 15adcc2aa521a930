#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "ca/core/ssh/ssh_pubkey.h"
#include "pam/trust_files.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

TEST_CASE("PamCaFileReadsKeyLinesLikeTrustedUserCAKeys") {
  test::TempDir dir;
  test::makeSshKey(dir, "a", "ed25519");
  test::makeSshKey(dir, "b", "ecdsa", 384);
  const std::string content =
      "# sshca user CAs\n\n" + test::readText(dir.file("a.pub")) + "  " + test::readText(dir.file("b.pub"));
  auto keys = parseCaKeys(content);
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 2);
  CHECK(keys->at(1).algorithm() == KeyAlgorithm::EcdsaP384);

  CHECK_FALSE(parseCaKeys("# nothing\n").ok());
  auto bad = parseCaKeys(content + "ssh-ed25519 AAAA-not-base64\n");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("line 5"));
}

TEST_CASE("PamPrincipalsFileListsPlainPrincipals") {
  CHECK(parsePrincipalsList("# admins\nalice\n  ops  \n\ncommand=\"x\" root\n") ==
        std::vector<std::string>{"alice", "ops"});
}

TEST_CASE("PamTrustFilesMustBeRootOwnedAndNotWritableByOthers") {
  if (geteuid() != 0) {
    WARN("skipped: needs root to chown");
    return;
  }
  test::TempDir dir;
  const std::string path = dir.file("ca.pub");
  test::writeText(path, "x\n");
  chmod(path.c_str(), 0644);
  CHECK(readTrustedFile(path).ok());

  chmod(path.c_str(), 0664);
  auto groupWritable = readTrustedFile(path);
  REQUIRE_FALSE(groupWritable.ok());
  CHECK_THAT(groupWritable.error().message, Catch::Contains("writable by group or others"));

  chmod(path.c_str(), 0644);
  REQUIRE(chown(path.c_str(), 65534, 65534) == 0);
  auto notRoot = readTrustedFile(path);
  REQUIRE_FALSE(notRoot.ok());
  CHECK(notRoot.error().code == ErrorCode::PermissionDenied);
  // Nor may a principals file be the user's own (sudo: the user could
  // write in a principal of any certificate they hold).
  auto usersOwn = loadPrincipals(path);
  REQUIRE_FALSE(usersOwn.ok());
  CHECK_THAT(usersOwn.error().message, Catch::Contains("owned by uid 65534, not root"));

  CHECK(readTrustedFile(dir.file("missing")).error().code == ErrorCode::NotFound);
  CHECK_FALSE(readTrustedFile(dir.path()).ok());  // a directory
}
