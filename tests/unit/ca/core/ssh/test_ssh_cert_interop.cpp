// Interoperability with the real ssh-keygen: certificates it signs parse and
// re-encode byte for byte; certificates we sign are read back by it.
#include <catch2/catch.hpp>

#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

struct KeyType {
  const char* type;
  int bits;
};

PublicKey pubOf(const std::string& path) {
  auto line = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE(line.ok());
  return line->key;
}

// Signs `subject` with ssh-keygen and returns the certificate wire bytes.
Bytes keygenSign(const std::string& ca, const std::string& subject, const std::string& args) {
  auto r = test::run("ssh-keygen -q -s " + ca + " " + args + " " + subject + ".pub");
  INFO(r.output);
  REQUIRE(r.status == 0);
  return test::decodeLineBlob(test::readText(subject + "-cert.pub"));
}

void checkRoundTrip(const Bytes& wire, const PublicKey& subject, const PublicKey& ca) {
  auto cert = parseCertificate(wire);
  REQUIRE(cert.ok());
  CHECK(cert->wire == wire);
  CHECK(encodeCertificate(*cert) == wire);
  CHECK(cert->key == subject);
  CHECK(cert->signatureKey == ca);
  CHECK(verifyCertificateSignature(*cert).ok());
}

void roundTripsKeygenCertificates(KeyType caType) {
  TempDir dir;
  std::string ca = test::makeSshKey(dir, "ca", caType.type, caType.bits);
  REQUIRE_FALSE(ca.empty());
  for (KeyType sub : {KeyType{"ed25519", 0}, KeyType{"ecdsa", 384}, KeyType{"rsa", 2048}}) {
    std::string s = test::makeSshKey(dir, std::string("sub-") + sub.type, sub.type, sub.bits);
    REQUIRE_FALSE(s.empty());
    Bytes user = keygenSign(ca, s,
                            "-I 'alice via oidc' -n alice,root -V 20240101:20340101 -z 12345 "
                            "-O force-command=/usr/bin/true -O source-address=10.0.0.0/8,2001:db8::/32 "
                            "-O no-pty -O extension:login@example.com=alice");
    checkRoundTrip(user, pubOf(s), pubOf(ca));
    auto cert = parseCertificate(user);
    REQUIRE(cert.ok());
    CHECK(cert->type == CertType::User);
    CHECK(cert->keyId == "alice via oidc");
    CHECK(cert->serial == 12345);
    CHECK(cert->principals == std::vector<std::string>{"alice", "root"});
    CHECK(cert->criticalOptions ==
          std::vector<std::pair<std::string, std::string>>{{"force-command", "/usr/bin/true"},
                                                           {"source-address", "10.0.0.0/8,2001:db8::/32"}});
    CHECK(cert->extensions == std::vector<std::pair<std::string, std::string>>{{"login@example.com", "alice"},
                                                                               {"permit-X11-forwarding", ""},
                                                                               {"permit-agent-forwarding", ""},
                                                                               {"permit-port-forwarding", ""},
                                                                               {"permit-user-rc", ""}});
    Bytes host = keygenSign(ca, s, "-h -I host1 -n host1.example.com,10.1.2.3 -V -5m:+52w");
    checkRoundTrip(host, pubOf(s), pubOf(ca));
    CHECK(parseCertificate(host)->type == CertType::Host);
    Bytes flags = keygenSign(ca, s, "-I f -n bob -O clear -O verify-required -O permit-pty -O no-touch-required");
    checkRoundTrip(flags, pubOf(s), pubOf(ca));
  }
}

std::string keygenList(const std::string& certPath) {
  auto r = test::run("ssh-keygen -L -f " + certPath);
  INFO(r.output);
  REQUIRE(r.status == 0);
  return r.output;
}

bool has(const std::string& out, const std::string& needle) {
  INFO("looking for: " << needle << "\nin:\n" << out);
  return out.find(needle) != std::string::npos;
}

void keygenAcceptsOurCertificate(KeyType caType, const char* caLabel, const char* caAlg) {
  TempDir dir;
  std::string caPath = test::makeSshKey(dir, "ca", caType.type, caType.bits);
  std::string sub = test::makeSshKey(dir, "sub", "ecdsa", 256);
  auto ca = loadSoftSigner(caPath);
  REQUIRE(ca.ok());
  CertTemplate t{.key = pubOf(sub)};
  t.keyId = "bob@example.com via oidc";
  t.principals = {"bob", "deploy"};
  t.validAfter = 1700000000;
  t.validBefore = 1700003600;
  t.serial = 987654321;
  t.criticalOptions = {{"force-command", "/bin/echo hi"}, {"source-address", "192.168.0.0/16,::1"}};
  t.extensions = defaultUserExtensions();
  t.extensions["session@example.com"] = "abc";
  auto cert = signCertificate(t, **ca, systemRandom());
  REQUIRE(cert.ok());
  std::string certPath = dir.file("sub-cert.pub");
  test::writeText(certPath, formatCertificateLine(*cert, "sub") + "\n");
  std::string out = keygenList(certPath);
  CHECK(has(out, "Type: ecdsa-sha2-nistp256-cert-v01@openssh.com user certificate"));
  CHECK(has(out, "Public key: ECDSA-CERT " + fingerprintSha256(t.key)));
  CHECK(has(out, std::string("Signing CA: ") + caLabel + " " + fingerprintSha256((*ca)->publicKey()) + " (using " +
                     caAlg + ")"));
  CHECK(has(out, "Key ID: \"bob@example.com via oidc\""));
  CHECK(has(out, "Serial: 987654321"));
  CHECK(has(out, "                bob\n                deploy\n"));
  CHECK(has(out, "force-command /bin/echo hi"));
  CHECK(has(out, "source-address 192.168.0.0/16,::1"));
  for (const char* ext :
       {"permit-X11-forwarding", "permit-agent-forwarding", "permit-port-forwarding", "permit-pty", "permit-user-rc"})
    CHECK(has(out, std::string("                ") + ext + "\n"));
  CHECK(has(out, "session@example.com UNKNOWN OPTION"));
  auto line = parseCertificateLine(test::readText(certPath));
  REQUIRE(line.ok());
  CHECK(line->wire == cert->wire);

  // Host certificate from the same CA.
  CertTemplate h{.key = pubOf(sub),
                 .type = CertType::Host,
                 .keyId = "host1",
                 .principals = {"host1.example.com"},
                 .validAfter = 1700000000,
                 .validBefore = 1800000000};
  auto hc = signCertificate(h, **ca, systemRandom());
  REQUIRE(hc.ok());
  CHECK(hc->serial != 0);
  test::writeText(certPath, formatCertificateLine(*hc, ""));
  std::string hout = keygenList(certPath);
  CHECK(has(hout, "host certificate"));
  CHECK(has(hout, "Key ID: \"host1\""));
  CHECK(has(hout, "Serial: " + std::to_string(hc->serial)));
  CHECK(has(hout, "host1.example.com"));
}

}  // namespace

TEST_CASE("RoundTripsSshKeygenCertificatesFromEd25519Ca") { roundTripsKeygenCertificates({"ed25519", 0}); }
TEST_CASE("RoundTripsSshKeygenCertificatesFromEcdsaP256Ca") { roundTripsKeygenCertificates({"ecdsa", 256}); }
TEST_CASE("RoundTripsSshKeygenCertificatesFromEcdsaP384Ca") { roundTripsKeygenCertificates({"ecdsa", 384}); }
TEST_CASE("RoundTripsSshKeygenCertificatesFromRsa3072Ca") { roundTripsKeygenCertificates({"rsa", 3072}); }

TEST_CASE("SignsByteIdenticalToSshKeygenWithEd25519CaAndSameNonce") {
  TempDir dir;
  std::string caPath = test::makeSshKey(dir, "ca", "ed25519");
  for (KeyType sub : {KeyType{"ed25519", 0}, KeyType{"ecdsa", 521}, KeyType{"rsa", 2048}}) {
    std::string s = test::makeSshKey(dir, std::string("sub-") + sub.type, sub.type, sub.bits);
    Bytes theirs = keygenSign(caPath, s,
                              "-I deterministic -n alice,bob -V 20250101:20250102 -z 77 "
                              "-O force-command=/bin/true -O source-address=127.0.0.1/32 -O no-port-forwarding");
    auto parsed = parseCertificate(theirs);
    REQUIRE(parsed.ok());
    CertTemplate t{.key = parsed->key};
    t.keyId = parsed->keyId;
    t.principals = parsed->principals;
    t.validAfter = parsed->validAfter;
    t.validBefore = parsed->validBefore;
    t.serial = 77;
    for (const auto& [k, v] : parsed->criticalOptions) t.criticalOptions[k] = v;
    for (const auto& [k, v] : parsed->extensions) t.extensions[k] = v;
    auto ca = loadSoftSigner(caPath);
    REQUIRE(ca.ok());
    test::ScriptedRandom rng;
    rng.push(parsed->nonce);
    auto ours = signCertificate(t, **ca, rng);
    REQUIRE(ours.ok());
    CHECK(toHex(ours->wire) == toHex(theirs));
  }
}

TEST_CASE("SshKeygenListsOurCertificatesFromEd25519Ca") {
  keygenAcceptsOurCertificate({"ed25519", 0}, "ED25519", "ssh-ed25519");
}
TEST_CASE("SshKeygenListsOurCertificatesFromEcdsaP384Ca") {
  keygenAcceptsOurCertificate({"ecdsa", 384}, "ECDSA", "ecdsa-sha2-nistp384");
}
TEST_CASE("SshKeygenListsOurCertificatesFromRsaCa") {
  keygenAcceptsOurCertificate({"rsa", 3072}, "RSA", "rsa-sha2-512");
}

TEST_CASE("SshKeygenVerifiesOurCertificateAgainstItsKrlCheck") {
  // ssh-keygen -Q checks a certificate against a KRL, which needs a
  // certificate it can parse and whose signature it accepts.
  TempDir dir;
  std::string caPath = test::makeSshKey(dir, "ca", "ed25519");
  std::string sub = test::makeSshKey(dir, "sub", "ed25519");
  auto ca = loadSoftSigner(caPath);
  REQUIRE(ca.ok());
  CertTemplate t{.key = pubOf(sub), .keyId = "k", .principals = {"u"}, .validAfter = 1, .validBefore = 2};
  t.serial = 5;
  auto cert = signCertificate(t, **ca, systemRandom());
  REQUIRE(cert.ok());
  test::writeText(dir.file("sub-cert.pub"), formatCertificateLine(*cert, ""));
  REQUIRE(test::run("ssh-keygen -q -k -f " + dir.file("krl") + " -s " + caPath + ".pub /dev/null").status == 0);
  auto clean = test::run("ssh-keygen -Q -f " + dir.file("krl") + " " + dir.file("sub-cert.pub"));
  CHECK(clean.status == 0);
  test::writeText(dir.file("spec"), "serial: 5\n");
  REQUIRE(test::run("ssh-keygen -q -k -f " + dir.file("krl") + " -s " + caPath + ".pub " + dir.file("spec")).status ==
          0);
  auto revoked = test::run("ssh-keygen -Q -f " + dir.file("krl") + " " + dir.file("sub-cert.pub"));
  CHECK(revoked.status != 0);
}
