// Every refusal of validateTemplate, with its message.
#include <functional>

#include <catch2/catch.hpp>

#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_cert.h"

using namespace sshca;
using namespace sshca::ssh;

namespace {

PublicKey genKey(const char* alg, size_t bits = 0) {
  EVP_PKEY* raw = bits ? EVP_PKEY_Q_keygen(nullptr, nullptr, alg, bits) : EVP_PKEY_Q_keygen(nullptr, nullptr, alg);
  ossl::EvpPkey key(raw);
  REQUIRE(key);
  auto pub = PublicKey::fromEvp(key.get());
  REQUIRE(pub.ok());
  return *pub;
}

CertTemplate goodUser() {
  CertTemplate t{.key = genKey("ED25519")};
  t.keyId = "alice@example.com";
  t.principals = {"alice"};
  t.validAfter = 1000;
  t.validBefore = 2000;
  t.criticalOptions = {{"force-command", "/bin/true"}, {"source-address", "10.0.0.0/8"}};
  t.extensions = defaultUserExtensions();
  return t;
}

void expectRefused(const std::function<void(CertTemplate&)>& change, const std::string& message) {
  CertTemplate t = goodUser();
  change(t);
  auto st = validateTemplate(t);
  INFO("expected: " << message);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::InvalidArgument);
  CHECK(st.error().message == message);
}

}  // namespace

TEST_CASE("AcceptsWellFormedUserAndHostTemplates") {
  CHECK(validateTemplate(goodUser()).ok());
  CertTemplate h = goodUser();
  h.type = CertType::Host;
  h.criticalOptions.clear();
  h.extensions = {{"renew@sshca.dev", "1"}};
  h.principals = {"*.example.com", "10.0.0.1", "web1"};
  CHECK(validateTemplate(h).ok());
  CertTemplate t = goodUser();
  t.criticalOptions = {{"verify-required", ""}, {"source-address", "192.0.2.1,2001:db8::/32,::1/128,0.0.0.0/0"}};
  t.extensions["no-touch-required"] = "";
  t.serial = 1;
  CHECK(validateTemplate(t).ok());
}

TEST_CASE("RejectsRsaSubjectKeyBelow2048Bits") {
  CertTemplate t = goodUser();
  t.key = genKey("RSA", 1024);
  auto st = validateTemplate(t);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "subject key: RSA key of 1024 bits is too small; at least 2048 bits are required");
}

TEST_CASE("RejectsEmptyPrincipalList") {
  expectRefused([](auto& t) { t.principals.clear(); }, "principal list is empty (it would mean any principal)");
}
TEST_CASE("RejectsCertWith257Principals") {
  expectRefused(
      [](auto& t) {
        t.principals.clear();
        for (int i = 0; i < 257; ++i) t.principals.push_back("u" + std::to_string(i));
      },
      "257 principals exceed the maximum of 256");
}
TEST_CASE("RejectsEmptyPrincipal") {
  expectRefused([](auto& t) { t.principals = {"alice", ""}; }, "principal is empty");
}
TEST_CASE("RejectsPrincipalLongerThan255Bytes") {
  expectRefused([](auto& t) { t.principals = {std::string(256, 'a')}; },
                "principal '" + std::string(64, 'a') + "...' is longer than 255 bytes");
}
TEST_CASE("RejectsPrincipalWithWhitespace") {
  expectRefused([](auto& t) { t.principals = {"al ice"}; }, "principal 'al ice' contains whitespace");
  expectRefused([](auto& t) { t.principals = {"al\tice"}; }, "principal 'al\\x09ice' contains whitespace");
}
TEST_CASE("RejectsPrincipalWithComma") {
  expectRefused([](auto& t) { t.principals = {"alice,root"}; }, "principal 'alice,root' contains a comma");
}
TEST_CASE("RejectsPrincipalWithControlCharacter") {
  expectRefused([](auto& t) { t.principals = {std::string("a\nb")}; },
                "principal 'a\\x0ab' contains a control character");
  expectRefused([](auto& t) { t.principals = {std::string("a\0b", 3)}; },
                "principal 'a\\x00b' contains a control character");
}
TEST_CASE("RejectsPrincipalWithNonAsciiByte") {
  expectRefused([](auto& t) { t.principals = {"j\xc3\xa9"}; },
                "principal 'j\\xc3\\xa9' contains a non-ASCII character");
}
TEST_CASE("RejectsPatternCharactersInUserPrincipals") {
  expectRefused([](auto& t) { t.principals = {"*"}; }, "user principal '*' contains the pattern character '*'");
  expectRefused([](auto& t) { t.principals = {"a?"}; }, "user principal 'a?' contains the pattern character '?'");
  expectRefused([](auto& t) { t.principals = {"!root"}; }, "user principal '!root' contains the pattern character '!'");
}
TEST_CASE("RejectsDuplicatePrincipal") {
  expectRefused([](auto& t) { t.principals = {"alice", "alice"}; }, "principal 'alice' appears more than once");
}
TEST_CASE("RejectsEmptyKeyId") {
  expectRefused([](auto& t) { t.keyId = ""; }, "key ID is empty");
}
TEST_CASE("RejectsKeyIdLongerThan255Bytes") {
  expectRefused([](auto& t) { t.keyId = std::string(256, 'k'); }, "key ID of 256 bytes exceeds 255");
}
TEST_CASE("RejectsNonPrintableKeyId") {
  expectRefused([](auto& t) { t.keyId = "a\x01"; }, "key ID 'a\\x01' contains a non-printable or non-ASCII character");
}
TEST_CASE("RejectsEmptyOrInvertedValidity") {
  expectRefused([](auto& t) { t.validBefore = t.validAfter; },
                "validity interval is empty: valid after 1000 is not before valid before 1000");
  expectRefused([](auto& t) { t.validBefore = 10; },
                "validity interval is empty: valid after 1000 is not before valid before 10");
}
TEST_CASE("RejectsUnknownCriticalOption") {
  expectRefused([](auto& t) { t.criticalOptions["no-pty"] = ""; },
                "critical option 'no-pty' is unknown (sshd would refuse the certificate)");
  expectRefused([](auto& t) { t.criticalOptions["x@example.com"] = "1"; },
                "critical option 'x@example.com' is unknown (sshd would refuse the certificate)");
}
TEST_CASE("RejectsEmptyForceCommand") {
  expectRefused([](auto& t) { t.criticalOptions["force-command"] = ""; },
                "critical option force-command has an empty command");
}
TEST_CASE("RejectsVerifyRequiredWithValue") {
  expectRefused([](auto& t) { t.criticalOptions["verify-required"] = "yes"; },
                "critical option verify-required is a flag and takes no value");
}
TEST_CASE("RejectsMalformedSourceAddresses") {
  auto bad = [](std::string value, std::string why) {
    expectRefused([&](auto& t) { t.criticalOptions["source-address"] = value; },
                  "critical option source-address: " + why);
  };
  bad("", "source-address is empty");
  bad("10.0.0.0/8,", "source-address has an empty entry");
  bad("10.0.0.0/8, 10.1.0.0/16", "source-address entry ' 10.1.0.0/16' is not an IPv4 or IPv6 address");
  bad("example.com", "source-address entry 'example.com' is not an IPv4 or IPv6 address");
  bad("10.0.0.0/33", "source-address entry '10.0.0.0/33' has a prefix length above 32");
  bad("2001:db8::/129", "source-address entry '2001:db8::/129' has a prefix length above 128");
  bad("10.0.0.0/", "source-address entry '10.0.0.0/' has a malformed prefix length");
  bad("10.0.0.0/+8", "source-address entry '10.0.0.0/+8' has a malformed prefix length");
  bad("10.0.0.1/8", "source-address entry '10.0.0.1/8' has bits set beyond its prefix length");
  bad("256.0.0.1", "source-address entry '256.0.0.1' is not an IPv4 or IPv6 address");
}
TEST_CASE("RejectsCriticalOptionsOnHostCertificates") {
  expectRefused(
      [](auto& t) {
        t.type = CertType::Host;
        t.extensions.clear();
      },
      "critical option 'force-command' given, but host certificates have no critical options");
}
TEST_CASE("RejectsUserExtensionsOnHostCertificates") {
  expectRefused(
      [](auto& t) {
        t.type = CertType::Host;
        t.criticalOptions.clear();
      },
      "extension 'permit-X11-forwarding' applies only to user certificates");
}
TEST_CASE("RejectsKnownExtensionWithValue") {
  expectRefused([](auto& t) { t.extensions["permit-pty"] = "yes"; },
                "extension 'permit-pty' is a flag and takes no value");
}
TEST_CASE("RejectsUnknownExtensionWithoutDomain") {
  expectRefused([](auto& t) { t.extensions["permit-everything"] = ""; },
                "extension 'permit-everything' is unknown; custom extensions must be named name@domain");
  expectRefused([](auto& t) { t.extensions["a@b@c"] = ""; },
                "extension 'a@b@c' is unknown; custom extensions must be named name@domain");
  expectRefused([](auto& t) { t.extensions["@example.com"] = ""; },
                "extension '@example.com' is unknown; custom extensions must be named name@domain");
}
TEST_CASE("RejectsNonPrintableExtensionName") {
  expectRefused([](auto& t) { t.extensions["a b@example.com"] = ""; },
                "extension name 'a b@example.com' is not printable ASCII");
  expectRefused([](auto& t) { t.extensions[""] = ""; }, "extension name is empty");
}
TEST_CASE("RejectsZeroSerial") {
  expectRefused([](auto& t) { t.serial = 0; }, "serial 0 is reserved for certificates without a serial");
}
TEST_CASE("RejectsUnknownCertificateType") {
  expectRefused([](auto& t) { t.type = static_cast<CertType>(3); }, "certificate type 3 is neither user nor host");
}

TEST_CASE("SignCertificateRefusesInvalidTemplateWithoutSigning") {
  struct CountingSigner final : Signer {
    SignerPtr inner;
    mutable int calls = 0;
    const PublicKey& publicKey() const override { return inner->publicKey(); }
    Result<Bytes> sign(std::span<const uint8_t> d, HashAlg h) const override {
      ++calls;
      return inner->sign(d, h);
    }
    std::string description() const override { return "counting"; }
  };
  CountingSigner s;
  s.inner = *softSignerFromEvp(ossl::EvpPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
  CertTemplate t = goodUser();
  t.principals.clear();
  CHECK_FALSE(signCertificate(t, s, systemRandom()).ok());
  CHECK(s.calls == 0);
  CHECK(signCertificate(goodUser(), s, systemRandom()).ok());
  CHECK(s.calls == 1);
}

TEST_CASE("SignCertificateRefusesRsa1024Ca") {
  auto ca = softSignerFromEvp(ossl::EvpPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024})));
  REQUIRE(ca.ok());
  auto r = signCertificate(goodUser(), **ca, systemRandom());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "memory: CA key: RSA key of 1024 bits is too small; at least 2048 bits are required");
}

TEST_CASE("CheckValidAtHonoursHalfOpenInterval") {
  auto ca = softSignerFromEvp(ossl::EvpPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")));
  auto cert = signCertificate(goodUser(), **ca, systemRandom());
  REQUIRE(cert.ok());
  CHECK_FALSE(checkValidAt(*cert, 999).ok());
  CHECK(checkValidAt(*cert, 1000).ok());
  CHECK(checkValidAt(*cert, 1999).ok());
  auto late = checkValidAt(*cert, 2000);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().message == "certificate has expired (valid before 2000, now 2000)");
}
