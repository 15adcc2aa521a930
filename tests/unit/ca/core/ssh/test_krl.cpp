// KRLs (PROTOCOL.krl) against the real ssh-keygen: ours are read by
// `ssh-keygen -Q` exactly as we read them, ssh-keygen's are read by ours,
// and malformed ones are refused with a reason.
#include <ctime>
#include <limits>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/core/common/random.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/limits.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

PublicKey pubOf(const std::string& path) {
  auto line = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE(line.ok());
  return line->key;
}

Bytes sha256Of(const PublicKey& key) {
  Bytes wire = encodePublicKeyWire(key);
  Bytes out(32);
  unsigned int len = 0;
  EVP_Digest(wire.data(), wire.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

Bytes bytesOf(std::string_view s) {
  auto b = asBytes(s);
  return Bytes(b.begin(), b.end());
}

struct TestCert {
  std::string path;
  Certificate cert;
  bool revoked;  // what the test means to revoke
};

// A temp dir with CA keys, subject keys and certificates made by ssh-keygen -s
// and by our signCertificate with a soft signer over the same CA key file.
class CertLab {
 public:
  std::string key(const std::string& name, const std::string& type, int bits = 0) {
    std::string path = test::makeSshKey(dir_, name, type, bits);
    REQUIRE_FALSE(path.empty());
    return path;
  }

  void keygenCert(const std::string& ca, const std::string& subject, const std::string& keyId, uint64_t serial,
                  bool revoked) {
    auto r = test::run("ssh-keygen -q -s " + ca + " -I " + test::shellQuote(keyId) + " -n u -z " +
                       std::to_string(serial) + " " + subject + ".pub");
    INFO(r.output);
    REQUIRE(r.status == 0);
    add(test::readText(subject + "-cert.pub"), revoked);
  }

  void ourCert(const std::string& ca, const std::string& subject, const std::string& keyId, uint64_t serial,
               bool revoked) {
    auto signer = loadSoftSigner(ca);
    REQUIRE(signer.ok());
    CertTemplate t{pubOf(subject)};
    t.keyId = keyId;
    t.principals = {"u"};
    t.validAfter = static_cast<uint64_t>(std::time(nullptr)) - 60;
    t.validBefore = t.validAfter + 3600;
    t.serial = serial;
    auto cert = signCertificate(t, **signer, systemRandom());
    INFO((cert.ok() ? "" : cert.error().message));
    REQUIRE(cert.ok());
    add(formatCertificateLine(*cert, "ours"), revoked);
  }

  std::string file(const std::string& name) const { return dir_.file(name); }
  const std::vector<TestCert>& certs() const { return certs_; }

 private:
  void add(const std::string& line, bool revoked) {
    std::string path = dir_.file("cert-" + std::to_string(certs_.size()) + ".pub");
    test::writeText(path, line);
    auto cert = parseCertificateLine(line);
    REQUIRE(cert.ok());
    certs_.push_back({path, *cert, revoked});
  }

  TempDir dir_;
  std::vector<TestCert> certs_;
};

// ssh-keygen -Q over every certificate at once: path -> revoked.
std::map<std::string, bool> keygenRevoked(const std::string& krlPath, const std::vector<TestCert>& certs) {
  std::string cmd = "ssh-keygen -Q -f " + krlPath;
  for (const auto& c : certs) cmd += " " + c.path;
  auto r = test::run(cmd);
  std::map<std::string, bool> out;
  std::istringstream in(r.output);
  for (std::string line; std::getline(in, line);) {
    std::string path = line.substr(0, line.find(' '));
    if (line.ends_with(": REVOKED"))
      out[path] = true;
    else if (line.ends_with(": ok"))
      out[path] = false;
  }
  INFO(r.output);
  REQUIRE(out.size() == certs.size());
  return out;
}

// Ours, ssh-keygen and the test's intent agree for every certificate.
void checkAgreement(const std::string& krlPath, const Krl& krl, const std::vector<TestCert>& certs) {
  auto keygen = keygenRevoked(krlPath, certs);
  for (const auto& c : certs) {
    INFO(c.path << " serial " << c.cert.serial << " key id '" << c.cert.keyId << "'");
    CHECK(keygen.at(c.path) == c.revoked);
    CHECK(isCertificateRevoked(krl, c.cert) == c.revoked);
  }
}

// A u32 length and that many bytes, of any size (KRL sections and
// subsections may be larger than Reader::string takes).
std::span<const uint8_t> lengthPrefixed(wire::Reader& r) {
  auto len = r.u32();
  REQUIRE(len.ok());
  auto body = r.raw(*len);
  REQUIRE(body.ok());
  return *body;
}

// The subsection types inside each certificates section of an encoded KRL,
// with their sizes.
std::vector<std::pair<uint8_t, size_t>> certRecords(const Bytes& krl) {
  wire::Reader r(krl);
  REQUIRE(r.raw(8 + 4 + 8 + 8 + 8).ok());
  REQUIRE(r.string().ok());
  REQUIRE(r.string().ok());
  std::vector<std::pair<uint8_t, size_t>> records;
  while (r.remaining() > 0) {
    uint8_t type = *r.u8();
    auto body = lengthPrefixed(r);
    if (type != 1) continue;
    wire::Reader s(body);
    REQUIRE(s.string().ok());
    REQUIRE(s.string().ok());
    while (s.remaining() > 0) {
      uint8_t recordType = *s.u8();
      records.emplace_back(recordType, lengthPrefixed(s).size());
    }
  }
  return records;
}

std::vector<uint8_t> certRecordTypes(const Bytes& krl) {
  std::vector<uint8_t> types;
  for (const auto& [type, size] : certRecords(krl)) types.push_back(type);
  return types;
}

void writeKrl(const std::string& path, const Bytes& krl) { test::writeText(path, asString(krl)); }

// Our KRL for one CA type: list, range and bitmap records, key IDs, a
// wildcard CA section, explicit keys and SHA256 fingerprints.
void ourKrlMatchesKeygen(const std::string& caType, int caBits) {
  CertLab lab;
  std::string ca = lab.key("ca", caType, caBits);
  std::string other = lab.key("other-ca", "ed25519");
  std::string sub = lab.key("sub", "ecdsa", 256);
  std::string explicitSub = lab.key("explicit", "ed25519");
  std::string hashedSub = lab.key("hashed", "rsa", 2048);
  constexpr uint64_t kFar = 1ULL << 40;
  constexpr uint64_t kTop = std::numeric_limits<uint64_t>::max();

  Krl krl;
  krl.version = 7;
  krl.generatedDate = 1700000000;
  krl.comment = "sshca test";
  KrlCertificates byCa{pubOf(ca), {}, {"revoked-id"}};
  for (uint64_t s = 1000; s <= 1100; ++s) byCa.serials.push_back(s);                  // a range record
  for (uint64_t s : {2000, 2002, 2003, 2005, 2007, 2010}) byCa.serials.push_back(s);  // a bitmap record
  for (uint64_t s : {kFar, kTop - 1, uint64_t{5000000}}) byCa.serials.push_back(s);   // list records
  byCa.serials.push_back(1050);                                                       // duplicates are fine
  krl.certificates.push_back(byCa);
  krl.certificates.push_back(KrlCertificates{std::nullopt, {}, {"wild-id"}});
  krl.explicitKeys.push_back(pubOf(explicitSub));
  krl.sha256Fingerprints.push_back(sha256Of(pubOf(hashedSub)));

  Bytes bytes = encodeKrl(krl);
  auto types = certRecordTypes(bytes);
  CHECK(std::count(types.begin(), types.end(), 0x20) >= 1);
  CHECK(std::count(types.begin(), types.end(), 0x21) == 1);
  CHECK(std::count(types.begin(), types.end(), 0x22) == 1);
  CHECK(std::count(types.begin(), types.end(), 0x23) == 2);
  writeKrl(lab.file("krl"), bytes);

  for (bool ours : {false, true}) {
    auto cert = [&](const std::string& caPath, const std::string& s, const std::string& id, uint64_t serial, bool rev) {
      if (ours)
        lab.ourCert(caPath, s, id, serial, rev);
      else
        lab.keygenCert(caPath, s, id, serial, rev);
    };
    for (uint64_t s : {uint64_t{1000}, uint64_t{1050}, uint64_t{1100}, uint64_t{2000}, uint64_t{2005}, uint64_t{2010},
                       uint64_t{5000000}, kFar, kTop - 1}) {
      cert(ca, sub, "user", s, true);
    }
    for (uint64_t s :
         {uint64_t{999}, uint64_t{1101}, uint64_t{2001}, uint64_t{2004}, uint64_t{4999999}, kFar + 1, kTop}) {
      cert(ca, sub, "user", s, false);
    }
    cert(ca, sub, "revoked-id", 77, true);
    cert(ca, sub, "revoked-id-not", 78, false);
    cert(other, sub, "user", 1000, false);      // same serial, another CA
    cert(other, sub, "revoked-id", 79, false);  // key ID revoked for the first CA only
    cert(other, sub, "wild-id", 80, true);      // wildcard CA section
    cert(ca, explicitSub, "user", 81, true);    // explicit key
    cert(ca, hashedSub, "user", 82, true);      // SHA256 fingerprint
  }
  auto parsed = parseKrl(bytes);
  REQUIRE(parsed.ok());
  checkAgreement(lab.file("krl"), krl, lab.certs());
  checkAgreement(lab.file("krl"), *parsed, lab.certs());
  CHECK(encodeKrl(*parsed) == bytes);
}

// Serials with a mix of gaps, from a fixed seed: exercises every record
// choice and the switches between them.
std::vector<uint64_t> mixedSerials() {
  std::vector<uint64_t> out;
  uint64_t s = 1;
  uint32_t x = 12345;
  for (int i = 0; i < 400; ++i) {
    x = x * 1103515245u + 12345u;
    uint32_t pick = (x >> 16) % 10;
    uint64_t gap = pick < 4 ? 1 : pick < 6 ? 2 + (x >> 8) % 6 : pick < 8 ? 1 : pick < 9 ? 60 + (x % 200) : 100000 + x;
    if (pick == 7) {  // a run: short ones fit a bitmap, long ones a range
      uint64_t n = (x >> 4) % 2 ? 20 : 300;
      for (uint64_t k = 0; k < n; ++k) out.push_back(s + k);
      s += n;
    }
    s += gap;
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("KrlOursReadBySshKeygenEcdsaCa", "[krl]") { ourKrlMatchesKeygen("ecdsa", 384); }
TEST_CASE("KrlOursReadBySshKeygenEd25519Ca", "[krl]") { ourKrlMatchesKeygen("ed25519", 0); }
TEST_CASE("KrlOursReadBySshKeygenRsaCa", "[krl]") { ourKrlMatchesKeygen("rsa", 3072); }

TEST_CASE("KrlSshKeygenWrittenIsParsedAndAgreesAndRoundTrips", "[krl]") {
  CertLab lab;
  std::string ca = lab.key("ca", "ecdsa", 256);
  std::string other = lab.key("other-ca", "ed25519");
  std::string sub = lab.key("sub", "ed25519");
  std::string explicitSub = lab.key("explicit", "ecdsa", 384);
  std::string hashedSub = lab.key("hashed", "ed25519");
  std::string hashLineSub = lab.key("hashline", "ed25519");
  test::writeText(lab.file("spec"),
                  "serial: 5-100\nserial: 200\nserial: 202\nserial: 204\nserial: 9000000000\n"
                  "id: alice\nid: bob@example.com\nkey: " +
                      test::readText(explicitSub + ".pub") + "sha256: " + test::readText(hashedSub + ".pub") +
                      "hash: " + fingerprintSha256(pubOf(hashLineSub)) + "\n");
  auto made = test::run("ssh-keygen -k -f " + lab.file("krl") + " -z 42 -s " + ca + ".pub " + lab.file("spec"));
  INFO(made.output);
  REQUIRE(made.status == 0);
  // An update (-u) for a second CA: a second certificates section. (ssh-keygen
  // cannot write an any-CA section: it wants a CA key for id: and serial:.)
  test::writeText(lab.file("spec2"), "id: carol\n");
  REQUIRE(test::run("ssh-keygen -k -u -f " + lab.file("krl") + " -s " + other + ".pub " + lab.file("spec2")).status ==
          0);

  for (uint64_t s : {5, 50, 100, 200, 202, 204}) lab.keygenCert(ca, sub, "x", s, true);
  lab.keygenCert(ca, sub, "x", 9000000000ULL, true);
  for (uint64_t s : {4, 101, 201, 203, 205}) lab.keygenCert(ca, sub, "x", s, false);
  lab.ourCert(ca, sub, "alice", 300, true);
  lab.ourCert(ca, sub, "bob@example.com", 301, true);
  lab.ourCert(other, sub, "alice", 302, false);
  lab.ourCert(other, sub, "carol", 303, true);
  lab.ourCert(ca, sub, "carol", 307, false);
  lab.ourCert(other, sub, "x", 50, false);
  lab.ourCert(other, explicitSub, "x", 304, true);
  lab.keygenCert(other, hashedSub, "x", 305, true);
  lab.keygenCert(other, hashLineSub, "x", 306, true);

  Bytes bytes = bytesOf(test::readText(lab.file("krl")));
  auto krl = parseKrl(bytes);
  INFO((krl.ok() ? "" : krl.error().message));
  REQUIRE(krl.ok());
  CHECK(krl->version == 42);
  REQUIRE(krl->certificates.size() == 2);
  CHECK(krl->certificates[0].caKey == std::optional<PublicKey>(pubOf(ca)));
  CHECK(krl->certificates[1].caKey == std::optional<PublicKey>(pubOf(other)));
  CHECK(krl->certificates[1].keyIds == std::vector<std::string>{"carol"});
  CHECK(krl->certificates[0].keyIds == std::vector<std::string>{"alice", "bob@example.com"});
  CHECK(krl->certificates[0].ranges == std::vector<KrlSerialRange>{{5, 100}});
  CHECK(krl->explicitKeys == std::vector<PublicKey>{pubOf(explicitSub)});
  CHECK(krl->sha256Fingerprints.size() == 2);
  checkAgreement(lab.file("krl"), *krl, lab.certs());
  CHECK(encodeKrl(*krl) == bytes);
  CHECK(isKeyRevoked(*krl, pubOf(explicitSub)));
  CHECK(isKeyRevoked(*krl, pubOf(hashedSub)));
  CHECK_FALSE(isKeyRevoked(*krl, pubOf(sub)));
}

// Random 64-bit serials (what the CA issues) go into one serial-list record
// of 8 bytes each: past 32,768 of them it is larger than the wire reader's
// string cap. Both ways: ssh-keygen reads ours, we read ssh-keygen's.
TEST_CASE("KrlOfFortyThousandRandomSerialsIsReadBothWays", "[krl]") {
  CertLab lab;
  std::string ca = lab.key("ca", "ed25519");
  std::string sub = lab.key("sub", "ed25519");
  std::vector<uint64_t> serials;
  std::string spec;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 40000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64: fixed, spread over 64 bits
    serials.push_back(x);
    spec += "serial: " + std::to_string(x) + "\n";
  }
  Krl krl;
  krl.version = 3;
  krl.certificates.push_back(KrlCertificates{pubOf(ca), serials, {}});
  Bytes ours = encodeKrl(krl);
  auto records = certRecords(ours);
  REQUIRE(records.size() == 1);
  CHECK(records[0].first == 0x20);
  CHECK(records[0].second == 8 * serials.size());
  CHECK(records[0].second > wire::kMaxStringLen);
  writeKrl(lab.file("ours.krl"), ours);

  test::writeText(lab.file("spec"), spec);
  auto made = test::run("ssh-keygen -k -f " + lab.file("keygen.krl") + " -s " + ca + ".pub " + lab.file("spec"));
  INFO(made.output);
  REQUIRE(made.status == 0);

  lab.keygenCert(ca, sub, "x", serials.front(), true);
  lab.keygenCert(ca, sub, "x", serials[12345], true);
  lab.keygenCert(ca, sub, "x", serials.back(), true);
  lab.keygenCert(ca, sub, "x", serials.front() + 1, false);
  for (const char* file : {"ours.krl", "keygen.krl"}) {
    auto parsed = parseKrl(bytesOf(test::readText(lab.file(file))));
    INFO(file << ": " << (parsed.ok() ? "" : parsed.error().message));
    REQUIRE(parsed.ok());
    REQUIRE(parsed->certificates.size() == 1);
    CHECK(parsed->certificates[0].serials.size() == serials.size());
    checkAgreement(lab.file(file), *parsed, lab.certs());
  }
}

TEST_CASE("KrlSerialRecordsChosenAsSshKeygenChooses", "[krl]") {
  TempDir dir;
  std::string ca = test::makeSshKey(dir, "ca", "ed25519");
  REQUIRE_FALSE(ca.empty());
  auto serials = mixedSerials();
  std::string spec;
  for (uint64_t s : serials) spec += "serial: " + std::to_string(s) + "\n";
  test::writeText(dir.file("spec"), spec);
  REQUIRE(test::run("ssh-keygen -k -f " + dir.file("krl") + " -z 3 -s " + ca + ".pub " + dir.file("spec")).status == 0);
  Bytes theirs = bytesOf(test::readText(dir.file("krl")));

  auto parsed = parseKrl(theirs);
  REQUIRE(parsed.ok());
  Krl ours;
  ours.version = 3;
  ours.generatedDate = parsed->generatedDate;
  ours.certificates.push_back({pubOf(ca), serials, {}});
  auto types = certRecordTypes(theirs);
  for (uint8_t t : {0x20, 0x21, 0x22}) CHECK(std::count(types.begin(), types.end(), t) >= 1);
  CHECK(encodeKrl(ours) == theirs);
  CHECK(encodeKrl(*parsed) == theirs);
}

TEST_CASE("KrlWriterIsDeterministicAndMergesPerCa", "[krl]") {
  TempDir dir;
  std::string ca = test::makeSshKey(dir, "ca", "ed25519");
  REQUIRE_FALSE(ca.empty());
  Krl a;
  a.certificates = {{pubOf(ca), {9, 3, 4}, {"b"}}, {pubOf(ca), {5, 0}, {"a", "b"}}};
  Krl b;
  b.certificates = {{pubOf(ca), {3, 4, 5, 9}, {"a", "b"}}};
  CHECK(encodeKrl(a) == encodeKrl(b));
  auto parsed = parseKrl(encodeKrl(a));
  REQUIRE(parsed.ok());
  REQUIRE(parsed->certificates.size() == 1);
  CHECK(parsed->certificates[0].keyIds == std::vector<std::string>{"a", "b"});
  CHECK(parsed->certificates[0].serials == std::vector<uint64_t>{3, 4, 5, 9});  // serial 0 is dropped
}

// ---- refusals ----

namespace {

Bytes header() {
  wire::Writer w;
  w.raw(asBytes(std::string_view("SSHKRL\n\0", 8)));
  w.u32(1);
  w.u64(1);
  w.u64(2);
  w.u64(0);
  w.string(Bytes{});
  w.cstring("");
  return std::move(w).take();
}

Bytes withSection(Bytes krl, uint8_t type, const wire::Writer& body) {
  wire::Writer w;
  w.raw(krl);
  w.u8(type);
  w.nested(body);
  return std::move(w).take();
}

// A certificates section for the wildcard CA holding the given subsections.
Bytes certSection(const std::vector<std::pair<uint8_t, wire::Writer>>& subs) {
  wire::Writer body;
  body.string(Bytes{});
  body.string(Bytes{});
  for (const auto& [type, sub] : subs) {
    body.u8(type);
    body.nested(sub);
  }
  return withSection(header(), 1, body);
}

wire::Writer u64s(std::initializer_list<uint64_t> v) {
  wire::Writer w;
  for (uint64_t x : v) w.u64(x);
  return w;
}

wire::Writer bitmap(uint64_t offset, Bytes mpintBody) {
  wire::Writer w;
  w.u64(offset);
  w.string(mpintBody);
  return w;
}

void refused(const Bytes& krl, const std::string& reason, ErrorCode code = ErrorCode::InvalidFormat) {
  auto r = parseKrl(krl);
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == code);
  CHECK(r.error().message.find(reason) != std::string::npos);
}

}  // namespace

TEST_CASE("KrlMalformedHeadersAreRefused", "[krl]") {
  Bytes good = header();
  REQUIRE(parseKrl(good).ok());
  refused({}, "magic");
  Bytes bad = good;
  bad[3] = 'X';
  refused(bad, "magic");
  bad = good;
  bad[11] = 2;
  refused(bad, "format version 2");
  bad = good;
  bad[8 + 4 + 8 + 8 + 7] = 1;
  refused(bad, "flags");
  for (size_t n = 1; n < good.size(); ++n) {
    INFO("truncated to " << n);
    CHECK_FALSE(parseKrl(std::span(good).first(n)).ok());
  }
}

TEST_CASE("KrlMalformedSectionsAreRefused", "[krl]") {
  refused(certSection({{0x20, u64s({5, 4})}}), "must be sorted");
  refused(certSection({{0x20, u64s({5, 5})}}), "must be sorted");
  refused(certSection({{0x21, u64s({10, 20})}, {0x20, u64s({15})}}), "must not overlap");
  refused(certSection({{0x21, u64s({10, 20})}, {0x21, u64s({20, 30})}}), "must not overlap");
  refused(certSection({{0x20, u64s({30})}, {0x21, u64s({10, 20})}}), "must be sorted");
  refused(certSection({{0x21, u64s({20, 10})}}), "minimum above maximum");
  refused(certSection({{0x21, u64s({0, 10})}}), "serial 0");
  refused(certSection({{0x20, u64s({0})}}), "serial 0");
  refused(certSection({{0x22, bitmap(0, {0x01})}}), "serial 0");
  refused(certSection({{0x22, bitmap(100, {0x00, 0x01})}}), "minimally");
  refused(certSection({{0x22, bitmap(100, {0x81})}}), "negative");
  refused(certSection({{0x22, bitmap(std::numeric_limits<uint64_t>::max(), {0x03})}}), "2^64");
  refused(certSection({{0x20, u64s({100})}, {0x22, bitmap(90, {0x01})}}), "must be sorted");
  refused(certSection({{0x21, u64s({1})}}), "not 16");
  wire::Writer badList;
  badList.u32(7);
  refused(certSection({{0x20, std::move(badList)}}), "not a non-empty list");
  wire::Writer ids;
  ids.cstring("bob");
  ids.cstring("alice");
  refused(certSection({{0x23, std::move(ids)}}), "key IDs must be sorted");
  refused(certSection({{0x24, u64s({1})}}), "unknown certificate subsection");
  wire::Writer ext;
  ext.cstring("future@openssh.com");
  ext.boolean(true);
  ext.string(Bytes{});
  refused(certSection({{0x39, std::move(ext)}}), "is critical", ErrorCode::Unsupported);

  wire::Writer shas;
  shas.string(Bytes(32, 2));
  shas.string(Bytes(32, 1));
  refused(withSection(header(), 5, shas), "not sorted");
  wire::Writer shortSha;
  shortSha.string(Bytes(20, 1));
  refused(withSection(header(), 5, shortSha), "expected 32");
  wire::Writer longSha1;
  longSha1.string(Bytes(32, 1));
  refused(withSection(header(), 3, longSha1), "expected 20");
}

TEST_CASE("KrlSignaturesUnknownSectionsAndTrailingBytesAreRefused", "[krl]") {
  wire::Writer empty;
  refused(withSection(header(), 4, empty), "signature sections are not supported");
  refused(withSection(header(), 9, u64s({1})), "unknown section type 9");
  Bytes trailing = header();
  trailing.push_back(1);
  refused(trailing, "truncated");
  Bytes cut = certSection({{0x20, u64s({5})}});
  cut.pop_back();
  refused(cut, "truncated");
  wire::Writer ext;
  ext.cstring("note@example.com");
  ext.boolean(false);
  ext.string(Bytes{1, 2});
  CHECK(parseKrl(withSection(header(), 255, ext)).ok());  // non-critical: skipped
  // The same CA twice.
  Bytes twice = certSection({{0x20, u64s({5})}});
  wire::Writer again;
  again.string(Bytes{});
  again.string(Bytes{});
  refused(withSection(twice, 1, again), "second certificates section");
}
