// SSHSIG (PROTOCOL.sshsig) against the real `ssh-keygen -Y sign/verify`,
// with file keys and with keys on a SoftHSM2 token.
#include <cstdio>

#include <catch2/catch.hpp>

#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/ssh/sshsig.h"
#include "ca/core/wire/reader.h"
#include "tests/unit/support/softhsm_token.h"
#include "tests/unit/support/ssh_fixtures.h"

using namespace sshca;
using namespace sshca::ssh;
using test::TempDir;

namespace {

constexpr std::string_view kMessage = "the KRL bytes, or any message\n";

struct KeyType {
  const char* type;
  int bits;
};
constexpr KeyType kKeyTypes[] = {{"ed25519", 0}, {"ecdsa", 256}, {"ecdsa", 384}, {"rsa", 3072}};

PublicKey pubOf(const std::string& path) {
  auto line = parsePublicKeyLine(test::readText(path + ".pub"));
  REQUIRE(line.ok());
  return line->key;
}

// `ssh-keygen -Y verify` of `sigPath` over `msgPath` for signer@test, who
// is trusted with `trusted`.
test::CommandResult keygenVerify(const TempDir& dir, const PublicKey& trusted, std::string_view ns,
                                 const std::string& sigPath, const std::string& msgPath) {
  test::writeText(dir.file("allowed_signers"), "signer@test " + formatPublicKeyLine(trusted, "") + "\n");
  return test::run("ssh-keygen -Y verify -f " + dir.file("allowed_signers") + " -I signer@test -n " + std::string(ns) +
                   " -s " + sigPath + " < " + msgPath);
}

Bytes keygenSign(const TempDir& dir, const std::string& key, std::string_view ns) {
  test::writeText(dir.file("msg"), kMessage);
  std::remove(dir.file("msg.sig").c_str());
  auto r = test::run("ssh-keygen -Y sign -n " + std::string(ns) + " -f " + key + " " + dir.file("msg"));
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::string armored = test::readText(dir.file("msg.sig"));
  auto blob = dearmorSshsig(armored);
  REQUIRE(blob.ok());
  CHECK(armorSshsig(*blob) == armored);  // our armour is byte for byte ssh-keygen's
  return *blob;
}

// Our signature over kMessage, checked by ssh-keygen for the right key and
// refused by it for the wrong namespace and another key.
void oursVerifiedByKeygen(const TempDir& dir, const Signer& signer, const PublicKey& otherKey) {
  auto blob = sshsigSign(signer, kKrlSignatureNamespace, asBytes(kMessage));
  INFO((blob.ok() ? "" : blob.error().message));
  REQUIRE(blob.ok());
  test::writeText(dir.file("ours.msg"), kMessage);
  test::writeText(dir.file("ours.sig"), armorSshsig(*blob));
  auto good = keygenVerify(dir, signer.publicKey(), kKrlSignatureNamespace, dir.file("ours.sig"), dir.file("ours.msg"));
  INFO(good.output);
  CHECK(good.status == 0);
  CHECK(keygenVerify(dir, signer.publicKey(), kPamSignatureNamespace, dir.file("ours.sig"), dir.file("ours.msg"))
            .status != 0);
  CHECK(keygenVerify(dir, otherKey, kKrlSignatureNamespace, dir.file("ours.sig"), dir.file("ours.msg")).status != 0);
  test::writeText(dir.file("ours.msg"), std::string(kMessage) + "x");
  CHECK(keygenVerify(dir, signer.publicKey(), kKrlSignatureNamespace, dir.file("ours.sig"), dir.file("ours.msg"))
            .status != 0);
  // And ours agrees.
  auto key = sshsigVerify(*blob, kKrlSignatureNamespace, asBytes(kMessage));
  REQUIRE(key.ok());
  CHECK(*key == signer.publicKey());
}

// The signature field inside a blob, flipped in its last byte.
Bytes tamperSignature(Bytes blob) {
  blob.back() ^= 0x01;
  return blob;
}

void checkRefused(const Result<PublicKey>& r, std::string_view reason) {
  REQUIRE_FALSE(r.ok());
  INFO(r.error().message);
  CHECK(r.error().code == ErrorCode::Unauthenticated);
  CHECK(r.error().message.find(reason) != std::string::npos);
}

}  // namespace

TEST_CASE("SshsigOursVerifiesWithSshKeygenForFileKeys", "[sshsig]") {
  TempDir dir;
  std::string other = test::makeSshKey(dir, "other", "ed25519");
  REQUIRE_FALSE(other.empty());
  for (const auto& kt : kKeyTypes) {
    INFO(kt.type << " " << kt.bits);
    std::string key = test::makeSshKey(dir, std::string("k-") + kt.type + std::to_string(kt.bits), kt.type, kt.bits);
    REQUIRE_FALSE(key.empty());
    auto signer = loadSoftSigner(key);
    REQUIRE(signer.ok());
    oursVerifiedByKeygen(dir, **signer, pubOf(other));
  }
}

TEST_CASE("SshsigSshKeygenSignaturesVerifyWithOursAndTamperingIsRefused", "[sshsig]") {
  TempDir dir;
  std::string other = test::makeSshKey(dir, "other", "ecdsa", 256);
  REQUIRE_FALSE(other.empty());
  for (const auto& kt : kKeyTypes) {
    INFO(kt.type << " " << kt.bits);
    std::string key = test::makeSshKey(dir, std::string("k-") + kt.type + std::to_string(kt.bits), kt.type, kt.bits);
    REQUIRE_FALSE(key.empty());
    Bytes blob = keygenSign(dir, key, "file");
    auto parsed = parseSshsig(blob);
    REQUIRE(parsed.ok());
    CHECK(parsed->ns == "file");
    CHECK(parsed->hashAlg == "sha512");
    CHECK(parsed->key == pubOf(key));
    CHECK(encodeSshsig(*parsed) == blob);

    auto ok = sshsigVerify(blob, "file", asBytes(kMessage));
    INFO((ok.ok() ? "" : ok.error().message));
    REQUIRE(ok.ok());
    CHECK(*ok == pubOf(key));

    checkRefused(sshsigVerify(blob, "git", asBytes(kMessage)), "namespace 'file', expected 'git'");
    checkRefused(sshsigVerify(blob, "file", asBytes(std::string(kMessage) + ".")), "does not verify");
    checkRefused(sshsigVerify(tamperSignature(blob), "file", asBytes(kMessage)), "does not verify");
    Sshsig swapped = *parsed;
    swapped.key = pubOf(other);
    checkRefused(sshsigVerify(encodeSshsig(swapped), "file", asBytes(kMessage)), "does not verify");
    Sshsig weakHash = *parsed;
    weakHash.hashAlg = "sha1";
    checkRefused(sshsigVerify(encodeSshsig(weakHash), "file", asBytes(kMessage)), "not sha256 or sha512");
  }
}

TEST_CASE("SshsigReservedFieldIsKeptOnTheWayThroughAndIgnoredByVerification", "[sshsig]") {
  // PROTOCOL.sshsig: implementations ignore a non-empty reserved field. It
  // is not signed, so ssh-keygen and we both still verify; and a blob that
  // parses re-encodes to itself (the fuzzer's round trip found a blob with
  // one that came back without it).
  TempDir dir;
  std::string key = test::makeSshKey(dir, "k", "ed25519");
  REQUIRE_FALSE(key.empty());
  auto parsed = parseSshsig(keygenSign(dir, key, "file"));
  REQUIRE(parsed.ok());
  CHECK(parsed->reserved.empty());
  parsed->reserved = Bytes{'t', 'a', 'g'};
  Bytes withReserved = encodeSshsig(*parsed);
  auto again = parseSshsig(withReserved);
  REQUIRE(again.ok());
  CHECK(again->reserved == Bytes{'t', 'a', 'g'});
  CHECK(encodeSshsig(*again) == withReserved);
  CHECK(sshsigVerify(withReserved, "file", asBytes(kMessage)).ok());
  test::writeText(dir.file("msg.sig"), armorSshsig(withReserved));
  auto r = keygenVerify(dir, pubOf(key), "file", dir.file("msg.sig"), dir.file("msg"));
  INFO(r.output);
  CHECK(r.status == 0);
}

TEST_CASE("SshsigSignedDataMatchesWhatAnAgentSigns", "[sshsig]") {
  // An agent signs sshsigSignedData; wrapping its signature gives a blob
  // ssh-keygen accepts (pam_sshca's path).
  TempDir dir;
  std::string key = test::makeSshKey(dir, "k", "ed25519");
  REQUIRE_FALSE(key.empty());
  auto signer = loadSoftSigner(key);
  REQUIRE(signer.ok());
  auto data = sshsigSignedData(kPamSignatureNamespace, "sha256", asBytes(kMessage));
  REQUIRE(data.ok());
  CHECK(asString(std::span(*data).first(6)) == "SSHSIG");
  auto sig = makeSignatureBlob(**signer, *data);
  REQUIRE(sig.ok());
  Bytes blob = encodeSshsig(Sshsig{(*signer)->publicKey(), std::string(kPamSignatureNamespace), "sha256", *sig, {}});
  test::writeText(dir.file("m"), kMessage);
  test::writeText(dir.file("m.sig"), armorSshsig(blob));
  auto r = keygenVerify(dir, (*signer)->publicKey(), kPamSignatureNamespace, dir.file("m.sig"), dir.file("m"));
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK(sshsigVerify(blob, kPamSignatureNamespace, asBytes(kMessage)).ok());
}

TEST_CASE("SshsigMalformedBlobsAndArmourAreRefused", "[sshsig]") {
  TempDir dir;
  std::string key = test::makeSshKey(dir, "k", "ed25519");
  REQUIRE_FALSE(key.empty());
  Bytes blob = keygenSign(dir, key, "file");
  for (size_t n = 0; n < blob.size(); ++n) {
    INFO("truncated to " << n);
    CHECK_FALSE(parseSshsig(std::span(blob).first(n)).ok());
  }
  Bytes trailing = blob;
  trailing.push_back(0);
  CHECK_FALSE(parseSshsig(trailing).ok());
  Bytes version2 = blob;
  version2[9] = 2;
  auto v2 = parseSshsig(version2);
  REQUIRE_FALSE(v2.ok());
  CHECK(v2.error().message.find("version 2") != std::string::npos);
  Bytes badMagic = blob;
  badMagic[0] = 'X';
  CHECK_FALSE(sshsigVerify(badMagic, "file", asBytes(kMessage)).ok());

  std::string armored = armorSshsig(blob);
  CHECK(dearmorSshsig(armored).ok());
  CHECK_FALSE(dearmorSshsig("x" + armored).ok());
  CHECK_FALSE(dearmorSshsig(armored.substr(0, armored.size() - 10)).ok());
  CHECK_FALSE(dearmorSshsig(armored + "junk\n").ok());
  std::string broken = armored;
  broken[40] = '*';
  CHECK_FALSE(dearmorSshsig(broken).ok());
  CHECK_FALSE(sshsigSign(*loadSoftSigner(key).value(), "", asBytes(kMessage)).ok());
}

TEST_CASE("SshsigWithSoftHsmTokenKeysVerifiesWithSshKeygen", "[sshsig][pkcs11][softhsm-eddsa]") {
  test::SoftHsmToken token;
  auto uri = parseKmsUri(token.kmsUri());
  REQUIRE(uri.ok());
  auto km = openPkcs11KeyManager(*uri);
  INFO((km.ok() ? "" : km.error().message));
  REQUIRE(km.ok());
  TempDir dir;
  std::string other = test::makeSshKey(dir, "other", "ed25519");
  REQUIRE_FALSE(other.empty());
  for (const char* spec : {"ecdsa-p256", "ecdsa-p384", "rsa-2048", "ed25519"}) {
    INFO(spec);
    auto ks = parseKeySpec(spec);
    REQUIRE(ks.ok());
    auto created = (*km)->createKey(KeyRef{spec, {}}, *ks);
    INFO((created.ok() ? "" : created.error().message));
    REQUIRE(created.ok());
    auto signer = (*km)->createSigner(KeyRef{spec, {}});
    REQUIRE(signer.ok());
    oursVerifiedByKeygen(dir, **signer, pubOf(other));
  }
}
