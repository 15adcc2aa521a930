#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <catch2/catch.hpp>

#include "pam/agent_socket.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::pam;

namespace {

UniqueFd listenOn(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(::listen(fd.get(), 4) == 0);
  return fd;
}

}  // namespace

TEST_CASE("PamAgentCallerMustBeRootOrTheUser") {
  const UserAccount alice{"alice", 1001, 1001, {1001}};
  CHECK(checkCallerMayUseAgent(0, alice).ok());
  CHECK(checkCallerMayUseAgent(1001, alice).ok());
  auto other = checkCallerMayUseAgent(1002, alice);
  REQUIRE_FALSE(other.ok());
  CHECK(other.error().code == ErrorCode::PermissionDenied);
  CHECK_THAT(other.error().message, Catch::Contains("neither root nor alice"));
}

TEST_CASE("PamAgentSocketOwnerAndTypeAreChecked") {
  if (geteuid() != 0) {
    WARN("skipped: needs root (chown, the user's identity)");
    return;
  }
  auto root = lookupUser("root");
  REQUIRE(root.ok());
  test::TempDir dir;
  const std::string sock = dir.file("agent.sock");
  UniqueFd listener = listenOn(sock);

  auto fd = connectUserAgent(sock, *root, 5);
  REQUIRE(fd.ok());
  CHECK(fd->valid());

  REQUIRE(chown(sock.c_str(), 65534, 65534) == 0);
  auto foreign = connectUserAgent(sock, *root, 5);
  REQUIRE_FALSE(foreign.ok());
  CHECK_THAT(foreign.error().message, Catch::Contains("owned by uid 65534"));

  const std::string file = dir.file("plain");
  test::writeText(file, "x");
  CHECK_THAT(connectUserAgent(file, *root, 5).error().message, Catch::Contains("is not a socket"));
  CHECK(connectUserAgent(dir.file("missing"), *root, 5).error().code == ErrorCode::NotFound);
  CHECK(connectUserAgent("relative/sock", *root, 5).error().code == ErrorCode::InvalidArgument);
  CHECK(connectUserAgent("/" + std::string(200, 'x'), *root, 5).error().code == ErrorCode::InvalidArgument);
}
