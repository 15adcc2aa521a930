// ssh-agent message encoding and decoding (ssh_agent_protocol.h), without a
// socket: exact request bytes, strict and capped reply parsers, and the
// private key fields of add requests. The same code against the real
// ssh-agent: test_ssh_agent_client.cpp.
#include <catch2/catch.hpp>

#include "ca/core/keys/key_generation.h"
#include "ca/core/ssh/openssh_private_key.h"
#include "ca/core/ssh/ssh_agent_protocol.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"
#include "tests/fakes/evp_test_signer.h"

using namespace sshca;
using namespace sshca::ssh;

namespace {

ossl::EvpPkey newKey(KeyAlgorithm alg, int rsaBits = 0) {
  auto key = generatePrivateKey({alg, rsaBits});
  REQUIRE(key.ok());
  return std::move(key).value();
}

PublicKey pubOf(const ossl::EvpPkey& key) {
  auto pub = PublicKey::fromEvp(key.get());
  REQUIRE(pub.ok());
  return *pub;
}

Certificate certFor(const PublicKey& subject) {
  auto ca = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  CertTemplate t{.key = subject, .keyId = "alice", .principals = {"alice"}, .validAfter = 1, .validBefore = 4000000000};
  auto cert = signCertificate(t, *ca, systemRandom());
  REQUIRE(cert.ok());
  return *cert;
}

Bytes identitiesAnswer(const std::vector<std::pair<Bytes, std::string>>& ids) {
  wire::Writer w;
  w.u8(agent::kIdentitiesAnswer);
  w.u32(static_cast<uint32_t>(ids.size()));
  for (const auto& [blob, comment] : ids) {
    w.string(blob);
    w.cstring(comment);
  }
  return std::move(w).take();
}

Bytes sshString(std::span<const uint8_t> s) {
  wire::Writer w;
  w.string(s);
  return std::move(w).take();
}

// An "openssh-key-v1" file around the plain private key fields: the file
// format holds exactly the agent's key encoding (PROTOCOL.key), so our
// independent parser reads them back.
Bytes opensshKeyFile(const SecretBytes& keyFields, const PublicKey& pub) {
  wire::Writer section;
  section.u32(0x01020304);
  section.u32(0x01020304);
  section.raw(keyFields.span());
  section.cstring("comment");
  for (uint8_t pad = 1; section.size() % 8 != 0; ++pad) section.u8(pad);
  wire::Writer w;
  w.raw(asBytes(std::string_view("openssh-key-v1\0", 15)));
  w.cstring("none");
  w.cstring("none");
  w.cstring("");
  w.u32(1);
  w.string(encodePublicKeyWire(pub));
  w.nested(section);
  return std::move(w).take();
}

}  // namespace

TEST_CASE("AgentEncodesRequestIdentitiesAndRemoveAsTheDraftSays") {
  CHECK(encodeRequestIdentities() == Bytes{11});
  CHECK(encodeRemoveIdentity(Bytes{0xaa, 0xbb}) == Bytes{18, 0, 0, 0, 2, 0xaa, 0xbb});
}

TEST_CASE("AgentEncodesSignRequestWithFlags") {
  Bytes req = encodeSignRequest(Bytes{1, 2}, Bytes{3}, agent::kRsaSha2_512);
  CHECK(req == Bytes{13, 0, 0, 0, 2, 1, 2, 0, 0, 0, 1, 3, 0, 0, 0, 4});
}

TEST_CASE("AgentAsksForRsaSha2_512OnlyForRsaKeysAndCertificates") {
  auto rsa = newKey(KeyAlgorithm::Rsa, 2048);
  auto ed = newKey(KeyAlgorithm::Ed25519);
  CHECK(signFlagsFor(encodePublicKeyWire(pubOf(rsa))) == agent::kRsaSha2_512);
  CHECK(signFlagsFor(certFor(pubOf(rsa)).wire) == agent::kRsaSha2_512);
  CHECK(signFlagsFor(encodePublicKeyWire(pubOf(ed))) == 0);
  CHECK(signFlagsFor(certFor(pubOf(ed)).wire) == 0);
  CHECK(signFlagsFor(Bytes{0, 0}) == 0);
  CHECK(expectedSignatureAlgorithm("ssh-rsa-cert-v01@openssh.com") == "rsa-sha2-512");
  CHECK(expectedSignatureAlgorithm("ecdsa-sha2-nistp384") == "ecdsa-sha2-nistp384");
  CHECK(expectedSignatureAlgorithm("ssh-ed25519-cert-v01@openssh.com") == "ssh-ed25519");
  CHECK_FALSE(expectedSignatureAlgorithm("sk-ssh-ed25519@openssh.com").has_value());
}

TEST_CASE("AgentParsesIdentitiesAnswer") {
  auto ids = parseIdentitiesAnswer(identitiesAnswer({{Bytes{1, 2, 3}, "key one"}, {Bytes{4}, ""}}));
  REQUIRE(ids.ok());
  REQUIRE(ids->size() == 2);
  CHECK((*ids)[0].keyBlob == Bytes{1, 2, 3});
  CHECK((*ids)[0].comment == "key one");
  CHECK((*ids)[1].keyBlob == Bytes{4});
  CHECK((*ids)[1].comment.empty());
  auto none = parseIdentitiesAnswer(identitiesAnswer({}));
  REQUIRE(none.ok());
  CHECK(none->empty());
}

TEST_CASE("AgentRefusesMalformedIdentitiesAnswers") {
  Bytes good = identitiesAnswer({{Bytes{1, 2, 3}, "c"}});
  Bytes trailing = good;
  trailing.push_back(0);
  Bytes truncated(good.begin(), good.end() - 1);
  // A hostile count: must be refused before anything is reserved for it.
  Bytes hugeCount{12, 0xff, 0xff, 0xff, 0xff};
  Bytes countBeyondBytes{12, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0};
  Bytes wrongType = good;
  wrongType[0] = agent::kSignResponse;
  for (const Bytes& bad : {trailing, truncated, hugeCount, countBeyondBytes, wrongType, Bytes{}}) {
    auto ids = parseIdentitiesAnswer(bad);
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::InvalidFormat);
  }
  auto huge = parseIdentitiesAnswer(hugeCount);
  CHECK(huge.error().message == "ssh-agent reply: 4294967295 identities exceed the cap of 2048");
}

TEST_CASE("AgentReportsRefusalsWithTheRequestNamed") {
  auto ids = parseIdentitiesAnswer(Bytes{agent::kFailure});
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.error().code == ErrorCode::Unavailable);
  CHECK(ids.error().message == "ssh-agent refused the list identities request");
  auto sig = parseSignResponse(Bytes{agent::kFailure});
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.error().code == ErrorCode::PermissionDenied);
  auto st = parseSuccess(Bytes{agent::kFailure}, "remove identity", ErrorCode::NotFound);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::NotFound);
  CHECK(st.error().message == "ssh-agent refused the remove identity request");
  CHECK(parseSuccess(Bytes{agent::kExtensionFailure}, "x", ErrorCode::Unsupported).error().code ==
        ErrorCode::Unsupported);
}

TEST_CASE("AgentParsesSuccessStrictly") {
  CHECK(parseSuccess(Bytes{agent::kSuccess}, "add identity", ErrorCode::Unsupported).ok());
  auto trailing = parseSuccess(Bytes{agent::kSuccess, 0}, "add identity", ErrorCode::Unsupported);
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.error().code == ErrorCode::InvalidFormat);
  CHECK(parseSuccess(Bytes{}, "add identity", ErrorCode::Unsupported).error().code == ErrorCode::InvalidFormat);
}

TEST_CASE("AgentParsesSignResponse") {
  Bytes msg{agent::kSignResponse};
  Bytes blob = sshString(Bytes{9, 8, 7});
  msg.insert(msg.end(), blob.begin(), blob.end());
  auto sig = parseSignResponse(msg);
  REQUIRE(sig.ok());
  CHECK(*sig == Bytes{9, 8, 7});
  msg.push_back(1);
  CHECK(parseSignResponse(msg).error().code == ErrorCode::InvalidFormat);
  CHECK(parseSignResponse(Bytes{agent::kSignResponse, 0, 0, 1}).error().code == ErrorCode::InvalidFormat);
  // A length beyond the reader's cap is refused, not allocated.
  CHECK(parseSignResponse(Bytes{agent::kSignResponse, 0x7f, 0xff, 0xff, 0xff}).error().code ==
        ErrorCode::InvalidFormat);
}

TEST_CASE("AgentPlainPrivateKeyFieldsAreTheOpenSshKeyFormat") {
  struct Case {
    KeyAlgorithm alg;
    int bits;
  };
  for (auto c : {Case{KeyAlgorithm::Ed25519, 0}, Case{KeyAlgorithm::EcdsaP256, 0}, Case{KeyAlgorithm::EcdsaP384, 0},
                 Case{KeyAlgorithm::EcdsaP521, 0}, Case{KeyAlgorithm::Rsa, 2048}}) {
    auto key = newKey(c.alg, c.bits);
    PublicKey pub = pubOf(key);
    auto fields = encodeAgentPrivateKey(key.get(), nullptr);
    REQUIRE(fields.ok());
    auto back = parseOpenSshPrivateKeyBlob(opensshKeyFile(*fields, pub));
    INFO(keyTypeName(pub) << ": " << (back.ok() ? "" : back.error().message));
    REQUIRE(back.ok());
    CHECK(EVP_PKEY_eq(back->get(), key.get()) == 1);
  }
}

TEST_CASE("AgentEncodesEd25519CertificateAddWithLifetime") {
  auto key = newKey(KeyAlgorithm::Ed25519);
  PublicKey pub = pubOf(key);
  Certificate cert = certFor(pub);
  auto msg = encodeAddIdentity({key.get(), &cert, "alice@sshca", 3600});
  REQUIRE(msg.ok());
  wire::Reader r(msg->span());
  CHECK(*r.u8() == agent::kAddIdConstrained);
  CHECK(*r.cstring() == "ssh-ed25519-cert-v01@openssh.com");
  auto certBlob = r.string();
  CHECK(Bytes(certBlob->begin(), certBlob->end()) == cert.wire);
  auto a = r.string();
  auto ka = r.string();
  REQUIRE(a.ok());
  REQUIRE(ka.ok());
  CHECK(Bytes(a->begin(), a->end()) == *ed25519RawOf(pub));
  REQUIRE(ka->size() == 64);
  CHECK(Bytes(ka->begin() + 32, ka->end()) == *ed25519RawOf(pub));
  CHECK(*r.cstring() == "alice@sshca");
  CHECK(*r.u8() == agent::kConstrainLifetime);
  CHECK(*r.u32() == 3600);
  CHECK(r.expectEnd().ok());
}

TEST_CASE("AgentEncodesEcdsaCertificateAddAsCertificateThenPrivateScalar") {
  auto key = newKey(KeyAlgorithm::EcdsaP256);
  Certificate cert = certFor(pubOf(key));
  auto msg = encodeAddIdentity({key.get(), &cert, "c", std::nullopt});
  REQUIRE(msg.ok());
  wire::Reader r(msg->span());
  CHECK(*r.u8() == agent::kAddIdentity);  // no constraint: the plain add
  CHECK(*r.cstring() == "ecdsa-sha2-nistp256-cert-v01@openssh.com");
  auto certBlob = r.string();
  CHECK(Bytes(certBlob->begin(), certBlob->end()) == cert.wire);
  auto d = r.mpint();
  REQUIRE(d.ok());
  CHECK(d->size() <= 32);
  CHECK(*r.cstring() == "c");
  CHECK(r.expectEnd().ok());
}

TEST_CASE("AgentEncodesRsaCertificateAddWithoutThePublicFields") {
  auto key = newKey(KeyAlgorithm::Rsa, 2048);
  Certificate cert = certFor(pubOf(key));
  auto msg = encodeAgentPrivateKey(key.get(), &cert);
  REQUIRE(msg.ok());
  wire::Reader r(msg->span());
  CHECK(*r.cstring() == "ssh-rsa-cert-v01@openssh.com");
  CHECK(r.string().ok());
  std::span<const uint8_t> f[4];  // d, iqmp, p, q
  for (auto& field : f) {
    auto m = r.mpint();
    REQUIRE(m.ok());
    field = *m;
  }
  CHECK(r.expectEnd().ok());
  // p * q == n: the fields are the factors in the draft's order.
  ossl::Bignum p(BN_bin2bn(f[2].data(), static_cast<int>(f[2].size()), nullptr));
  ossl::Bignum q(BN_bin2bn(f[3].data(), static_cast<int>(f[3].size()), nullptr));
  ossl::Bignum n(BN_new());
  ossl::BnCtx ctx(BN_CTX_new());
  REQUIRE(BN_mul(n.get(), p.get(), q.get(), ctx.get()) == 1);
  Bytes nBytes(static_cast<size_t>(BN_num_bytes(n.get())));
  BN_bn2bin(n.get(), nBytes.data());
  CHECK(nBytes == *rsaModulusOf(pubOf(key)));
}

TEST_CASE("AgentRefusesAddOfCertificateForAnotherKeyZeroLifetimeOrNoKey") {
  auto key = newKey(KeyAlgorithm::Ed25519);
  auto other = newKey(KeyAlgorithm::Ed25519);
  Certificate cert = certFor(pubOf(other));
  auto mismatch = encodeAddIdentity({key.get(), &cert, "", std::nullopt});
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().code == ErrorCode::InvalidArgument);
  CHECK(mismatch.error().message == "the certificate is for another key than the private key being added");
  auto zero = encodeAddIdentity({key.get(), nullptr, "", 0});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().code == ErrorCode::InvalidArgument);
  CHECK(encodeAddIdentity({nullptr, nullptr, "", std::nullopt}).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("KeyGenerationMakesEveryTypeAndRefusesShortRsa") {
  for (KeyAlgorithm alg :
       {KeyAlgorithm::Ed25519, KeyAlgorithm::EcdsaP256, KeyAlgorithm::EcdsaP384, KeyAlgorithm::EcdsaP521}) {
    auto key = generatePrivateKey({alg, 0});
    REQUIRE(key.ok());
    CHECK(pubOf(*key).algorithm() == alg);
  }
  auto rsa = generatePrivateKey({KeyAlgorithm::Rsa, 2048});
  REQUIRE(rsa.ok());
  CHECK(pubOf(*rsa).bits() == 2048);
  auto shortRsa = generatePrivateKey({KeyAlgorithm::Rsa, 1024});
  REQUIRE_FALSE(shortRsa.ok());
  CHECK(shortRsa.error().code == ErrorCode::InvalidArgument);
  CHECK(shortRsa.error().message == "RSA key size 1024 is out of range (2048 to 16384 bits)");
}
