// parseCertificate on hostile input: truncation, bit flips, caps, order.
#include <algorithm>

#include <catch2/catch.hpp>

#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/writer.h"

using namespace sshca;
using namespace sshca::ssh;

namespace {

SignerPtr caOf(const char* alg, size_t bits = 0) {
  EVP_PKEY* raw = bits ? EVP_PKEY_Q_keygen(nullptr, nullptr, alg, bits)
                       : (std::string(alg) == "EC" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                                   : EVP_PKEY_Q_keygen(nullptr, nullptr, alg));
  auto s = softSignerFromEvp(ossl::EvpPkey(raw));
  REQUIRE(s.ok());
  return *s;
}

Certificate issued(const Signer& ca, const PublicKey& subject) {
  CertTemplate t{.key = subject, .keyId = "id", .principals = {"alice", "bob"}, .validAfter = 1, .validBefore = 9};
  t.criticalOptions = {{"force-command", "/bin/true"}};
  t.extensions = defaultUserExtensions();
  auto c = signCertificate(t, ca, systemRandom());
  REQUIRE(c.ok());
  return *c;
}

std::string parseError(const Bytes& wire) {
  auto r = parseCertificate(wire);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

bool contains(const std::string& s, const std::string& part) {
  INFO(s);
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("CertificateTruncatedAtEveryLengthFailsCleanly") {
  for (const char* alg : {"ED25519", "EC"}) {
    auto ca = caOf(alg);
    Certificate c = issued(*ca, ca->publicKey());
    for (size_t n = 0; n < c.wire.size(); ++n) {
      auto r = parseCertificate(std::span(c.wire).first(n));
      CHECK_FALSE(r.ok());
    }
  }
}

TEST_CASE("CertificateBitFlipsNeverParseAndVerify") {
  auto ca = caOf("EC");
  auto subject = caOf("RSA", 2048);
  Certificate c = issued(*ca, subject->publicKey());
  size_t accepted = 0;
  for (size_t bit = 0; bit < c.wire.size() * 8; ++bit) {
    Bytes w = c.wire;
    w[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
    auto r = parseCertificate(w);
    if (r.ok() && verifyCertificateSignature(*r).ok()) ++accepted;
  }
  CHECK(accepted == 0);
}

TEST_CASE("ParserRejectsCertWith257PrincipalsAndAccepts256") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  c.principals.clear();
  for (int i = 0; i < 256; ++i) c.principals.push_back("p" + std::to_string(i));
  CHECK(parseCertificate(encodeCertificate(c)).ok());
  c.principals.push_back("one-too-many");
  CHECK(contains(parseError(encodeCertificate(c)), "more than 256 principals"));
}

TEST_CASE("ParserRejectsUnsortedOrDuplicateOptions") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  Certificate unsorted = c;
  unsorted.criticalOptions = {{"source-address", "::1"}, {"force-command", "x"}};
  CHECK(contains(parseError(encodeCertificate(unsorted)), "critical options are not sorted and unique"));
  Certificate dup = c;
  dup.extensions = {{"permit-pty", ""}, {"permit-pty", ""}};
  CHECK(contains(parseError(encodeCertificate(dup)), "extensions are not sorted and unique at 'permit-pty'"));
}

TEST_CASE("ParserRejectsTrailingData") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  Bytes w = c.wire;
  w.push_back(0);
  CHECK(contains(parseError(w), "1 bytes of trailing data"));
}

TEST_CASE("ParserRejectsUnknownTypesAndBadCertType") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  wire::Writer dsa;
  dsa.cstring("ssh-dss-cert-v01@openssh.com");
  CHECK(contains(parseError(dsa.bytes()), "DSA certificates are not supported"));
  wire::Writer rsa256;
  rsa256.cstring("rsa-sha2-256-cert-v01@openssh.com");
  CHECK(contains(parseError(rsa256.bytes()), "unknown certificate type"));
  c.type = static_cast<CertType>(0);
  CHECK(contains(parseError(encodeCertificate(c)), "certificate type 0 is neither user nor host"));
}

TEST_CASE("ParserRejectsOptionDataThatIsNotOneString") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  c.criticalOptions = {{"force-command", "QQQQQQQQ"}};
  Bytes w = encodeCertificate(c);
  // data = string(string("QQQQQQQQ")); shorten the inner length by one so
  // the data holds a 7-byte string plus a stray byte (same total size).
  const Bytes inner{0, 0, 0, 8, 'Q', 'Q', 'Q', 'Q', 'Q', 'Q', 'Q', 'Q'};
  auto pos = std::search(w.begin(), w.end(), inner.begin(), inner.end());
  REQUIRE(pos != w.end());
  pos[3] = 7;
  CHECK(contains(parseError(w), "option 'force-command' data is not a single non-empty string"));
}

TEST_CASE("ParserRejectsCertificateAsSignatureKey") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  Bytes tbs = encodeCertificateToBeSigned(c);
  Bytes sigKey = encodePublicKeyWire(c.signatureKey);
  // Replace the signature key with the certificate itself (a chain).
  wire::Writer w;
  w.raw(std::span(tbs).first(tbs.size() - sigKey.size() - 4));
  w.string(c.wire);
  w.string(c.signature);
  CHECK(contains(parseError(w.bytes()), "certificate signature key"));
}

TEST_CASE("VerifyFailsWhenAFieldIsChangedAfterSigning") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  CHECK(verifyCertificateSignature(c).ok());
  c.principals.push_back("root");
  CHECK_FALSE(verifyCertificateSignature(c).ok());
}

TEST_CASE("CertificateLineRoundTripsAndRefusesPlainKeys") {
  auto ca = caOf("ED25519");
  Certificate c = issued(*ca, ca->publicKey());
  auto back = parseCertificateLine(formatCertificateLine(c, "a comment") + "\n");
  REQUIRE(back.ok());
  CHECK(back->wire == c.wire);
  auto plain = parseCertificateLine(formatPublicKeyLine(ca->publicKey(), "x"));
  REQUIRE_FALSE(plain.ok());
  CHECK(contains(plain.error().message, "is not a certificate type"));
}
