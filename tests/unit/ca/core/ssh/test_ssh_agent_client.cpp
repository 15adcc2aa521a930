// The ssh-agent client against the real OpenSSH ssh-agent (one per test, on
// a socket in a temp dir, killed at the end) and ssh-add. Only the hostile
// agent cases use a fake on a socketpair: no real agent sends oversized or
// malformed replies.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/core/keys/key_generation.h"
#include "ca/core/ssh/ssh_agent_client.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/wire/writer.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/ssh_fixtures.h"

extern char** environ;

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

// `ssh-agent -D -a SOCK` in the foreground, stopped by its PID.
class RealAgent {
 public:
  RealAgent() : socket_(dir_.file("agent.sock")) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::string sock = socket_;
    char* argv[] = {const_cast<char*>("ssh-agent"), const_cast<char*>("-D"), const_cast<char*>("-a"), sock.data(),
                    nullptr};
    int rc = posix_spawnp(&pid_, "ssh-agent", &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(rc == 0);
    // Wait until the agent accepts a connection, not only until the socket
    // file exists: ssh-agent binds (the file appears) before it listens, and
    // a connect in between is refused. Generous: a loaded machine may be
    // slow to start it.
    bool listening = false;
    for (int i = 0; i < 400 && !listening; ++i) {
      listening = std::filesystem::exists(socket_) && AgentClient::connect(socket_).ok();
      if (!listening) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!listening) {
      stop();  // the destructor does not run when the constructor fails
      FAIL("ssh-agent did not accept connections on " << socket_ << " within 20 s");
    }
  }
  ~RealAgent() { stop(); }
  RealAgent(const RealAgent&) = delete;
  RealAgent& operator=(const RealAgent&) = delete;

  const std::string& socket() const { return socket_; }
  const TempDir& dir() const { return dir_; }
  AgentClient client() const {
    auto c = AgentClient::connect(socket_);
    REQUIRE(c.ok());
    return std::move(c).value();
  }
  // ssh-add's own view of the agent (ssh-add -L: one key line per identity).
  std::string sshAddList() const {
    return test::run("SSH_AUTH_SOCK=" + test::shellQuote(socket_) + " ssh-add -L").output;
  }

 private:
  void stop() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  TempDir dir_;
  std::string socket_;
  pid_t pid_ = -1;
};

struct KeyWithCert {
  ossl::EvpPkey key;
  PublicKey pub;
  Certificate cert;
};

KeyWithCert newKeyWithCert(KeySpec spec) {
  auto key = generatePrivateKey(spec);
  REQUIRE(key.ok());
  auto pub = PublicKey::fromEvp(key->get());
  REQUIRE(pub.ok());
  // A soft CA key signs through our own signCertificate.
  auto ca = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  uint64_t now = static_cast<uint64_t>(time(nullptr));
  CertTemplate t{.key = *pub,
                 .keyId = "alice@sshca",
                 .principals = {"alice"},
                 .validAfter = now - 300,
                 .validBefore = now + 3600,
                 .extensions = defaultUserExtensions()};
  auto cert = signCertificate(t, *ca, systemRandom());
  REQUIRE(cert.ok());
  return {std::move(key).value(), *pub, *cert};
}

bool holds(const std::vector<AgentIdentity>& ids, const Bytes& blob) {
  for (const auto& id : ids)
    if (id.keyBlob == blob) return true;
  return false;
}

bool listed(const std::string& sshAddOutput, const Bytes& blob) {
  return sshAddOutput.find(base64Encode(blob)) != std::string::npos;
}

void addKeyAndCert(AgentClient& agent, const KeyWithCert& k, std::optional<uint32_t> lifetime) {
  auto plain = agent.add({k.key.get(), nullptr, "alice key", lifetime});
  INFO((plain.ok() ? "" : plain.error().message));
  REQUIRE(plain.ok());
  auto withCert = agent.add({k.key.get(), &k.cert, "alice cert", lifetime});
  INFO((withCert.ok() ? "" : withCert.error().message));
  REQUIRE(withCert.ok());
}

void checkSignsAndVerifies(AgentClient& agent, const Bytes& keyBlob, const PublicKey& pub, const std::string& alg) {
  const Bytes data{'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g', 'e'};
  auto sig = agent.sign(keyBlob, data);
  INFO((sig.ok() ? "" : sig.error().message));
  REQUIRE(sig.ok());
  CHECK(*signatureBlobAlgorithm(*sig) == alg);
  CHECK(verifySignatureBlob(pub, data, *sig).ok());
  Bytes other = data;
  other[0] ^= 1;
  CHECK_FALSE(verifySignatureBlob(pub, other, *sig).ok());
}

// A hostile agent on a socketpair: reads one request, answers `reply`
// verbatim (possibly nothing), then waits until the client hangs up.
class FakeAgent {
 public:
  explicit FakeAgent(Bytes reply) {
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
    clientFd_ = sv[0];
    serverFd_ = sv[1];
    thread_ = std::thread([this, reply = std::move(reply)] { serve(reply); });
  }
  ~FakeAgent() {
    if (clientFd_ >= 0) close(clientFd_);  // if never handed to a client
    thread_.join();
    close(serverFd_);
  }
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  AgentClient client() {
    int fd = clientFd_;
    clientFd_ = -1;
    return AgentClient::fromFd(fd);
  }

 private:
  void serve(const Bytes& reply) {
    uint8_t buf[4096];
    (void)!recv(serverFd_, buf, sizeof buf, 0);  // the request (small in these tests)
    size_t off = 0;
    while (off < reply.size()) {
      ssize_t n = send(serverFd_, reply.data() + off, reply.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    while (recv(serverFd_, buf, sizeof buf, 0) > 0) {}
  }
  int clientFd_ = -1;
  int serverFd_ = -1;
  std::thread thread_;
};

Bytes framed(const Bytes& message) {
  wire::Writer w;
  w.string(message);
  return std::move(w).take();
}

}  // namespace

TEST_CASE("AgentAddsEd25519AndEcdsaCertificatesThatSshAddLists") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ed = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  KeyWithCert ec = newKeyWithCert({KeyAlgorithm::EcdsaP256, 0});
  addKeyAndCert(agent, ed, 600);
  addKeyAndCert(agent, ec, 600);

  std::string out = real.sshAddList();
  INFO(out);
  CHECK(listed(out, ed.cert.wire));
  CHECK(listed(out, encodePublicKeyWire(ed.pub)));
  CHECK(listed(out, ec.cert.wire));
  CHECK(listed(out, encodePublicKeyWire(ec.pub)));
  CHECK(out.find("ssh-ed25519-cert-v01@openssh.com ") != std::string::npos);
  CHECK(out.find("ecdsa-sha2-nistp256-cert-v01@openssh.com ") != std::string::npos);

  auto ids = agent.listIdentities();
  REQUIRE(ids.ok());
  CHECK(ids->size() == 4);
  CHECK(holds(*ids, ed.cert.wire));
  CHECK(holds(*ids, ec.cert.wire));
  CHECK(holds(*ids, encodePublicKeyWire(ed.pub)));
  CHECK(holds(*ids, encodePublicKeyWire(ec.pub)));
  for (const auto& id : *ids)
    if (id.keyBlob == ed.cert.wire) CHECK(id.comment == "alice cert");
}

TEST_CASE("AgentSignsWithTheCertificateBlobAndTheSignatureVerifies") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ed = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  KeyWithCert ec = newKeyWithCert({KeyAlgorithm::EcdsaP256, 0});
  addKeyAndCert(agent, ed, std::nullopt);
  addKeyAndCert(agent, ec, std::nullopt);
  checkSignsAndVerifies(agent, ed.cert.wire, ed.cert.key, "ssh-ed25519");
  checkSignsAndVerifies(agent, ec.cert.wire, ec.cert.key, "ecdsa-sha2-nistp256");
  checkSignsAndVerifies(agent, encodePublicKeyWire(ec.pub), ec.pub, "ecdsa-sha2-nistp256");
}

TEST_CASE("AgentAddsAndSignsWithEcdsaP384AndP521Certificates") {
  RealAgent real;
  AgentClient agent = real.client();
  for (KeyAlgorithm alg : {KeyAlgorithm::EcdsaP384, KeyAlgorithm::EcdsaP521}) {
    KeyWithCert k = newKeyWithCert({alg, 0});
    addKeyAndCert(agent, k, 600);
    checkSignsAndVerifies(agent, k.cert.wire, k.pub, keyTypeName(k.pub));
    checkSignsAndVerifies(agent, encodePublicKeyWire(k.pub), k.pub, keyTypeName(k.pub));
  }
  CHECK(agent.listIdentities()->size() == 4);
}

TEST_CASE("AgentRsaKeyAndCertificateSignWithRsaSha2_512") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert rsa = newKeyWithCert({KeyAlgorithm::Rsa, 2048});
  addKeyAndCert(agent, rsa, 600);
  CHECK(listed(real.sshAddList(), rsa.cert.wire));
  checkSignsAndVerifies(agent, encodePublicKeyWire(rsa.pub), rsa.pub, "rsa-sha2-512");
  checkSignsAndVerifies(agent, rsa.cert.wire, rsa.pub, "rsa-sha2-512");
}

TEST_CASE("AgentRemoveTakesTheCertificateOut") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ed = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  addKeyAndCert(agent, ed, 600);
  REQUIRE(listed(real.sshAddList(), ed.cert.wire));

  REQUIRE(agent.remove(ed.cert.wire).ok());
  std::string out = real.sshAddList();
  INFO(out);
  CHECK_FALSE(listed(out, ed.cert.wire));
  CHECK(listed(out, encodePublicKeyWire(ed.pub)));  // only what was named goes
  CHECK_FALSE(holds(*agent.listIdentities(), ed.cert.wire));

  auto again = agent.remove(ed.cert.wire);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::NotFound);
  CHECK(again.error().message == "ssh-agent refused the remove identity request");
  // The refusal left the connection usable.
  CHECK(agent.listIdentities().ok());
}

TEST_CASE("AgentDropsTheKeyWhenItsLifetimeEnds") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ec = newKeyWithCert({KeyAlgorithm::EcdsaP256, 0});
  addKeyAndCert(agent, ec, 1);
  // Poll generously: only "eventually gone" is asserted, never how fast.
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    auto ids = agent.listIdentities();
    REQUIRE(ids.ok());
    gone = ids->empty();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(gone);
  CHECK_FALSE(listed(real.sshAddList(), ec.cert.wire));
}

TEST_CASE("AgentListsAndSignsWithKeysThatSshAddLoaded") {
  RealAgent real;
  std::string key = test::makeSshKey(real.dir(), "id_ed25519", "ed25519");
  REQUIRE_FALSE(key.empty());
  auto r = test::run("SSH_AUTH_SOCK=" + test::shellQuote(real.socket()) + " ssh-add " + test::shellQuote(key));
  INFO(r.output);
  REQUIRE(r.status == 0);
  auto line = parsePublicKeyLine(test::readText(key + ".pub"));
  REQUIRE(line.ok());
  AgentClient agent = real.client();
  auto ids = agent.listIdentities();
  REQUIRE(ids.ok());
  REQUIRE(ids->size() == 1);
  CHECK((*ids)[0].keyBlob == encodePublicKeyWire(line->key));
  CHECK((*ids)[0].comment == "id_ed25519@test");
  checkSignsAndVerifies(agent, (*ids)[0].keyBlob, line->key, "ssh-ed25519");
}

TEST_CASE("AgentRefusesACertificateForAnotherKeyAndAddsNothing") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert a = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  KeyWithCert b = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  auto st = agent.add({a.key.get(), &b.cert, "mixed", 600});
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::InvalidArgument);
  CHECK(agent.listIdentities()->empty());
  CHECK(real.sshAddList().find("The agent has no identities") != std::string::npos);
}

TEST_CASE("AgentSignRefusedForAKeyItDoesNotHold") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ed = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  auto sig = agent.sign(ed.cert.wire, Bytes{1, 2, 3});
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.error().code == ErrorCode::PermissionDenied);
  CHECK(sig.error().message == "ssh-agent refused the sign request");
}

TEST_CASE("AgentConnectToAMissingSocketIsUnavailable") {
  TempDir dir;
  std::string path = dir.file("no-agent.sock");
  auto c = AgentClient::connect(path);
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().code == ErrorCode::Unavailable);
  CHECK(c.error().message == "cannot connect to the ssh-agent at " + path + ": No such file or directory");
  auto empty = AgentClient::connect("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::InvalidArgument);
  auto tooLong = AgentClient::connect("/tmp/" + std::string(200, 'x'));
  REQUIRE_FALSE(tooLong.ok());
  CHECK(tooLong.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("AgentRefusesAReplyLargerThan256KiBAndClosesTheConnection") {
  // Announces 256 KiB + 1 and sends nothing more: the client must refuse on
  // the length alone, without allocating or waiting for the bytes.
  FakeAgent fake(Bytes{0x00, 0x04, 0x00, 0x01});
  AgentClient agent = fake.client();
  auto ids = agent.listIdentities();
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.error().code == ErrorCode::InvalidFormat);
  CHECK(ids.error().message == "ssh-agent reply of 262145 bytes exceeds the cap of 262144 bytes");
  auto next = agent.listIdentities();
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == ErrorCode::Unavailable);
}

TEST_CASE("AgentRefusesAnIdentitiesAnswerWithAHostileCount") {
  FakeAgent fake(framed(Bytes{12, 0xff, 0xff, 0xff, 0xf0}));
  AgentClient agent = fake.client();
  auto ids = agent.listIdentities();
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.error().code == ErrorCode::InvalidFormat);
}

TEST_CASE("AgentRefusesAnRsaSignatureMadeWithSha1") {
  // An agent that ignores the rsa-sha2-512 flag answers "ssh-rsa" (SHA-1).
  wire::Writer sig;
  sig.cstring("ssh-rsa");
  sig.string(Bytes(256, 1));
  wire::Writer reply;
  reply.u8(14);
  reply.nested(sig);
  FakeAgent fake(framed(reply.bytes()));
  AgentClient agent = fake.client();
  KeyWithCert rsa = newKeyWithCert({KeyAlgorithm::Rsa, 2048});
  auto s = agent.sign(rsa.cert.wire, Bytes{1});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Unsupported);
  CHECK(s.error().message ==
        "ssh-agent signed with 'ssh-rsa' for a ssh-rsa-cert-v01@openssh.com key (expected rsa-sha2-512)");
}

TEST_CASE("AgentThatHangsUpOrStaysSilentIsUnavailable") {
  {
    FakeAgent silent(Bytes{});
    AgentClient agent = silent.client();
    REQUIRE(agent.setTimeout(std::chrono::seconds(1)).ok());
    auto ids = agent.listIdentities();
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Unavailable);
    CHECK(ids.error().message == "ssh-agent did not answer in time while reading its reply");
  }
  {
    FakeAgent truncated(Bytes{0, 0, 0, 9, 12});  // announces 9 bytes, sends 1, then stays silent
    AgentClient agent = truncated.client();
    REQUIRE(agent.setTimeout(std::chrono::seconds(1)).ok());
    auto ids = agent.listIdentities();
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Unavailable);
  }
}

TEST_CASE("AgentRequestAbove256KiBIsNotSent") {
  RealAgent real;
  AgentClient agent = real.client();
  KeyWithCert ed = newKeyWithCert({KeyAlgorithm::Ed25519, 0});
  addKeyAndCert(agent, ed, 600);
  auto sig = agent.sign(ed.cert.wire, Bytes(300 * 1024, 'a'));
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.error().code == ErrorCode::InvalidArgument);
  // Nothing went out, so the connection is still in step.
  checkSignsAndVerifies(agent, ed.cert.wire, ed.pub, "ssh-ed25519");
}
