// host renew --rekey's new key (agent/host/new_host_key.h): made beside the old
// one, moved into place, and put back the other way when the certificate
// that must follow it cannot be written.
#include <filesystem>

#include <catch2/catch.hpp>

#include "agent/host/new_host_key.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using sshca::agent::HostKeyFiles;
using sshca::agent::NewHostKey;

namespace {

// "type base64" of a public key line, without the comment.
std::string typeAndBlob(const std::string& line) { return line.substr(0, line.find(' ', line.find(' ') + 1)); }

struct HostKeyLab {
  test::TempDir dir;
  HostKeyFiles files;
  std::string oldPrivate, oldPublic;
  HostKeyLab() {
    test::makeSshKey(dir, "ssh_host_ecdsa_key", "ecdsa", 256);
    files = agent::hostKeyFiles(dir.file("ssh_host_ecdsa_key.pub")).value();
    oldPrivate = test::readText(files.privateKey);
    oldPublic = test::readText(files.publicKey);
  }
  PublicKey oldKey() const { return agent::readPublicKeyFile(files.publicKey).value(); }
  // Only the three key files are left (the temporary directory is gone).
  size_t entries() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("NewHostKeyInstallsASameTypeKeyAndCleansUp", "[agent-host]") {
  HostKeyLab lab;
  {
    auto key = NewHostKey::generateLike(lab.oldKey(), lab.files, "web1");
    REQUIRE(key.ok());
    REQUIRE(key->install(lab.files).ok());
    CHECK(test::readText(lab.files.privateKey) != lab.oldPrivate);
    CHECK(agent::readPublicKeyFile(lab.files.publicKey).value() == key->publicKey());
    CHECK(key->publicKey().spec().algorithm == lab.oldKey().spec().algorithm);
    // ssh-keygen agrees that the private key is the .pub's.
    auto derived = test::run("ssh-keygen -y -f " + lab.files.privateKey);
    REQUIRE(derived.status == 0);
    CHECK(typeAndBlob(derived.output) == typeAndBlob(test::readText(lab.files.publicKey)));
  }
  CHECK(lab.entries() == 2);  // the key and its .pub; no temporary directory
}

TEST_CASE("NewHostKeyRestoresTheOldKeyWhenTheCertificateCannotFollow", "[agent-host]") {
  HostKeyLab lab;
  {
    auto key = NewHostKey::generateLike(lab.oldKey(), lab.files, "web1");
    REQUIRE(key.ok());
    REQUIRE(key->install(lab.files).ok());
    REQUIRE(key->restore(lab.files).ok());
  }
  CHECK(test::readText(lab.files.privateKey) == lab.oldPrivate);
  CHECK(test::readText(lab.files.publicKey) == lab.oldPublic);
  CHECK(lab.entries() == 2);
}
