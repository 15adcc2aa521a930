// The PKCS#11 KeyManager and Signer against a real SoftHSM2 token.
#include <atomic>
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/core/common/digest.h"
#include "ca/core/common/ossl.h"
#include "ca/core/keys/signature.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/ec_params.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/kms/pkcs11/pkcs11_objects.h"
#include "ca/core/kms/pkcs11/pkcs11_public_key.h"
#include "ca/core/kms/pkcs11/pkcs11_token.h"
#include "ca/core/kms/pkcs11/session_key_copy.h"
#include "ca/core/kms/pkcs11/slot_finder.h"
#include "ca/core/kms/pkcs11/so_pin.h"
#include "tests/unit/support/softhsm_token.h"

using namespace sshca;
using sshca::test::SoftHsmToken;

namespace {

std::unique_ptr<KeyManager> openManager(const SoftHsmToken& token) {
  auto uri = parseKmsUri(token.kmsUri());
  REQUIRE(uri.ok());
  auto km = openPkcs11KeyManager(*uri);
  INFO((km.ok() ? "" : km.error().message));
  REQUIRE(km.ok());
  return std::move(km).value();
}

KeySpec spec(const char* name) {
  auto s = parseKeySpec(name);
  REQUIRE(s.ok());
  return *s;
}

HashAlg hashFor(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::Ed25519:
      return HashAlg::None;
    case KeyAlgorithm::EcdsaP384:
      return HashAlg::Sha384;
    case KeyAlgorithm::Rsa:
      return HashAlg::Sha512;
    default:
      return HashAlg::Sha256;
  }
}

void signAndVerify(KeyManager& km, const std::string& label) {
  INFO(label);
  auto signer = km.createSigner(KeyRef{label, {}});
  INFO((signer.ok() ? "" : signer.error().message));
  REQUIRE(signer.ok());
  Bytes msg = {'h', 'e', 'l', 'l', 'o'};
  HashAlg hash = hashFor((*signer)->publicKey().algorithm());
  auto sig = (*signer)->sign(msg, hash);
  INFO((sig.ok() ? "" : sig.error().message));
  REQUIRE(sig.ok());
  CHECK(verifyRawSignature((*signer)->publicKey(), msg, hash, *sig).ok());
  Bytes other = {'h', 'e', 'l', 'l', 'O'};
  CHECK_FALSE(verifyRawSignature((*signer)->publicKey(), other, hash, *sig).ok());
}

// The token this process already opened (same module and slot, logged in).
pkcs11::TokenPtr openedToken(const SoftHsmToken& token) {
  auto module = pkcs11::Module::load(kDefaultPkcs11Module);
  REQUIRE(module.ok());
  auto uri = parseKmsUri(token.kmsUri());
  REQUIRE(uri.ok());
  auto st = pkcs11::findToken(**module, *uri);
  REQUIRE(st.ok());
  auto t = pkcs11::Token::open(*module, st->slot, token.label());
  REQUIRE(t.ok());
  return *t;
}

}  // namespace

TEST_CASE("AllKeyTypesOnOneTokenListAndSign", "[softhsm-eddsa]") {
  SoftHsmToken token;
  auto km = openManager(token);
  const char* types[] = {"ecdsa-p256", "ecdsa-p384", "rsa-2048", "ed25519"};
  for (const char* t : types) {
    auto pk = km->createKey(KeyRef{std::string("key-") + t, {}}, spec(t));
    INFO(t << ": " << (pk.ok() ? "" : pk.error().message));
    REQUIRE(pk.ok());
    CHECK(pk->spec() == spec(t));
  }
  auto keys = km->listKeys();
  REQUIRE(keys.ok());
  REQUIRE(keys->size() == 4);
  for (const auto& k : *keys) {
    CHECK(k.label == "key-" + keySpecName(k.publicKey.spec()));
    CHECK(k.id.size() == 8);
  }
  for (const char* t : types) signAndVerify(*km, std::string("key-") + t);
}

TEST_CASE("Ed25519KeyDoesNotBreakOtherKeys", "[softhsm-eddsa]") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ed", {}}, spec("ed25519")).ok());
  REQUIRE(km->createKey(KeyRef{"p256", {}}, spec("ecdsa-p256")).ok());
  auto keys = km->listKeys();
  REQUIRE(keys.ok());
  CHECK(keys->size() == 2);
  signAndVerify(*km, "p256");
  signAndVerify(*km, "ed");
  auto pk = km->publicKey(KeyRef{"ed", {}});
  REQUIRE(pk.ok());
  CHECK(pk->algorithm() == KeyAlgorithm::Ed25519);
}

TEST_CASE("DuplicateLabelOrIdIsRefused") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ca", {0x01}}, spec("ecdsa-p256")).ok());
  auto again = km->createKey(KeyRef{"ca", {}}, spec("ed25519"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  auto sameId = km->createKey(KeyRef{"other", {0x01}}, spec("ecdsa-p256"));
  REQUIRE_FALSE(sameId.ok());
  CHECK(sameId.error().code == ErrorCode::AlreadyExists);
  auto keys = km->listKeys();
  REQUIRE(keys.ok());
  CHECK(keys->size() == 1);
}

TEST_CASE("PrivateKeysAreSensitiveAndNeverExtractable") {
  SoftHsmToken token;
  auto km = openManager(token);
  for (const char* t : {"ecdsa-p256", "rsa-2048", "ed25519"}) REQUIRE(km->createKey(KeyRef{t, {}}, spec(t)).ok());
  auto tok = openedToken(token);
  auto s = tok->session();
  REQUIRE(s.ok());
  for (const char* t : {"ecdsa-p256", "rsa-2048", "ed25519"}) {
    INFO(t);
    auto found = pkcs11::findByRef(**s, KeyRef{t, {}}, CKO_PRIVATE_KEY);
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    CK_OBJECT_HANDLE h = found->front();
    CHECK(*pkcs11::readBool(**s, h, CKA_SENSITIVE));
    CHECK_FALSE(*pkcs11::readBool(**s, h, CKA_EXTRACTABLE));
    CHECK(*pkcs11::readBool(**s, h, CKA_NEVER_EXTRACTABLE));
    CHECK(*pkcs11::readBool(**s, h, CKA_PRIVATE));
    CHECK(*pkcs11::readBool(**s, h, CKA_TOKEN));
    CHECK(*pkcs11::readBool(**s, h, CKA_SIGN));
    CHECK_FALSE(pkcs11::readAttribute(**s, h, CKA_VALUE).ok());
  }
}

TEST_CASE("ConcurrentSigningFromFourThreadsGivesValidSignatures") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ca", {}}, spec("ecdsa-p256")).ok());
  auto signer = km->createSigner(KeyRef{"ca", {}});
  REQUIRE(signer.ok());
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Bytes msg = {static_cast<uint8_t>(t), static_cast<uint8_t>(i)};
        auto sig = (*signer)->sign(msg, HashAlg::Sha256);
        bool ok = sig.ok() && verifyRawSignature((*signer)->publicKey(), msg, HashAlg::Sha256, *sig).ok();
        (ok ? good : bad)++;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(bad == 0);
  CHECK(good == 800);
}

TEST_CASE("SignerOutlivesItsKeyManager", "[softhsm-eddsa]") {
  SoftHsmToken token;
  SignerPtr signer;
  {
    auto km = openManager(token);
    REQUIRE(km->createKey(KeyRef{"ca", {}}, spec("ed25519")).ok());
    auto s = km->createSigner(KeyRef{"ca", {}});
    REQUIRE(s.ok());
    signer = *s;
  }
  Bytes msg = {1, 2, 3};
  auto sig = signer->sign(msg, HashAlg::None);
  REQUIRE(sig.ok());
  CHECK(sig->size() == 64);
  CHECK(signer->description().find("object=ca") != std::string::npos);
}

TEST_CASE("WrongHashForKeyTypeIsRefused") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ed", {}}, spec("ed25519")).ok());
  REQUIRE(km->createKey(KeyRef{"ec", {}}, spec("ecdsa-p256")).ok());
  Bytes msg = {1};
  auto ed = km->createSigner(KeyRef{"ed", {}});
  auto ec = km->createSigner(KeyRef{"ec", {}});
  REQUIRE(ed.ok());
  REQUIRE(ec.ok());
  CHECK((*ed)->sign(msg, HashAlg::Sha256).error().code == ErrorCode::InvalidArgument);
  CHECK((*ec)->sign(msg, HashAlg::None).error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("ImportedKeysSignAndStaySensitive") {
  SoftHsmToken token;
  auto km = openManager(token);
  struct Case {
    const char* label;
    int type;
    const char* curve;
    int bits;
  };
  const Case cases[] = {{"imp-ec", EVP_PKEY_EC, "P-256", 0},
                        {"imp-rsa", EVP_PKEY_RSA, nullptr, 2048},
                        {"imp-ed", EVP_PKEY_ED25519, nullptr, 0}};
  for (const auto& c : cases) {
    INFO(c.label);
    ossl::EvpPkey key(c.type == EVP_PKEY_EC    ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", c.curve)
                      : c.type == EVP_PKEY_RSA ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(c.bits))
                                               : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    REQUIRE(key);
    auto pk = km->importKey(KeyRef{c.label, {}}, key.get());
    INFO((pk.ok() ? "" : pk.error().message));
    REQUIRE(pk.ok());
    auto expected = PublicKey::fromEvp(key.get());
    REQUIRE(expected.ok());
    CHECK(*pk == *expected);
    signAndVerify(*km, c.label);
    auto again = km->importKey(KeyRef{c.label, {}}, key.get());
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::AlreadyExists);
  }
  auto keys = km->listKeys();
  REQUIRE(keys.ok());
  CHECK(keys->size() == 3);
}

TEST_CASE("WrongPinFailsOnceWithFlagsAndWithoutThePin") {
  SoftHsmToken token;
  auto uri = parseKmsUri("pkcs11:token=" + token.label());
  REQUIRE(uri.ok());
  setenv("SSHCA_PIN", "98765-wrong", 1);
  auto km = openPkcs11KeyManager(*uri);
  unsetenv("SSHCA_PIN");
  REQUIRE_FALSE(km.ok());
  CHECK(km.error().code == ErrorCode::PinIncorrect);
  CHECK(km.error().message.find("PIN flags") != std::string::npos);
  CHECK(km.error().message.find("98765-wrong") == std::string::npos);
}

TEST_CASE("UnknownTokenIsNotFoundAndNamesTheTokensPresent") {
  SoftHsmToken token("present-token");
  setenv("SSHCA_PIN", "1234", 1);  // this test's own process (one per test case)
  auto uri = parseKmsUri("pkcs11:token=absent");
  REQUIRE(uri.ok());
  auto km = openPkcs11KeyManager(*uri);
  REQUIRE_FALSE(km.ok());
  CHECK(km.error().code == ErrorCode::NotFound);
  CHECK(km.error().message.find("present-token") != std::string::npos);
}

TEST_CASE("UnknownKeyIsNotFound") {
  SoftHsmToken token;
  auto km = openManager(token);
  auto s = km->createSigner(KeyRef{"nope", {}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::NotFound);
}

// sshca revoke reads the CA keys' public halves this way: the pin-source
// names a file that does not exist (reading it would fail), no C_Login.
TEST_CASE("PublicKeyIsReadWithoutLoginAndEqualsTheSignersKey") {
  SoftHsmToken token;
  std::vector<std::pair<std::string, PublicKey>> expected;
  {
    auto km = openManager(token);
    for (const char* t : {"ecdsa-p256", "rsa-2048", "ed25519"}) {
      REQUIRE(km->createKey(KeyRef{t, {}}, spec(t)).ok());
      auto signer = km->createSigner(KeyRef{t, {}});
      REQUIRE(signer.ok());
      expected.emplace_back(t, (*signer)->publicKey());
    }
  }  // the manager and its signers are gone: the token is logged out
  unsetenv("SSHCA_PIN");
  auto uri = parseKmsUri("pkcs11:token=" + token.label() + "?pin-source=file:" + token.pinFile() + ".absent");
  REQUIRE(uri.ok());
  Pkcs11Options publicOnly;
  publicOnly.login = false;
  auto km = openPkcs11KeyManager(*uri, publicOnly);
  INFO((km.ok() ? "" : km.error().message));
  REQUIRE(km.ok());
  for (const auto& [label, key] : expected) {
    INFO(label);
    auto pk = (*km)->publicKey(KeyRef{label, {}});
    INFO((pk.ok() ? "" : pk.error().message));
    REQUIRE(pk.ok());
    CHECK(*pk == key);
  }
  auto s = openedToken(token)->session();
  REQUIRE(s.ok());
  CK_SESSION_INFO info{};
  REQUIRE((*s)->fn()->C_GetSessionInfo((*s)->handle(), &info) == CKR_OK);
  CHECK(info.state == CKS_RO_PUBLIC_SESSION);
  auto signer = (*km)->createSigner(KeyRef{"ed25519", {}});
  REQUIRE_FALSE(signer.ok());
  CHECK(signer.error().code == ErrorCode::PermissionDenied);
  CHECK((*km)->publicKey(KeyRef{"nope", {}}).error().code == ErrorCode::NotFound);
}

// Hidden (run by hand: sshca_unit_tests "[bench]"): signatures/s, 1 and 2 threads.
TEST_CASE("SigningThroughput", "[.][bench]") {
  SoftHsmToken token;
  auto km = openManager(token);
  for (const char* t : {"ecdsa-p256", "ed25519", "rsa-3072"}) {
    REQUIRE(km->createKey(KeyRef{t, {}}, spec(t)).ok());
    auto signer = km->createSigner(KeyRef{t, {}});
    REQUIRE(signer.ok());
    HashAlg hash = hashFor((*signer)->publicKey().algorithm());
    for (int threads : {1, 2}) {
      std::atomic<int> n{0};
      auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      std::vector<std::thread> ts;
      for (int i = 0; i < threads; ++i)
        ts.emplace_back([&] {
          Bytes msg(100, 0x42);
          while (std::chrono::steady_clock::now() < until)
            if ((*signer)->sign(msg, hash).ok()) n++;
        });
      for (auto& th : ts) th.join();
      std::cout << t << " threads=" << threads << " " << n / 2 << " signatures/s (verified)\n";
    }
  }
}

TEST_CASE("ScHsmSoPinAcceptsHexAndEightCharacterForms") {
  CK_TOKEN_INFO info{};
  std::memset(info.manufacturerID, ' ', sizeof info.manufacturerID);
  std::memcpy(info.manufacturerID, "www.CardContact.de", 18);
  auto hex = pkcs11::soPinForToken(SecretBytes(std::string_view("3537363231383830")), info);
  REQUIRE(hex.ok());
  CHECK(hex->view() == "3537363231383830");
  auto ascii = pkcs11::soPinForToken(SecretBytes(std::string_view("57621880")), info);
  REQUIRE(ascii.ok());
  CHECK(ascii->view() == "3537363231383830");
  auto bad = pkcs11::soPinForToken(SecretBytes(std::string_view("1234")), info);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::InvalidArgument);
  CHECK(bad.error().message.find("1234") == std::string::npos);
  std::memcpy(info.manufacturerID, "SoftHSM project   ", 18);
  auto soft = pkcs11::soPinForToken(SecretBytes(std::string_view("12345678")), info);
  REQUIRE(soft.ok());
  CHECK(soft->view() == "12345678");
}

// SoftHSM2 signs with a session copy of the key (session_key_copy.h): the
// copy is as protected as the key, signs for the same public key, and ends
// with the session that made it; a key that forbids copies is used as it is.
TEST_CASE("SoftHsmSessionCopyIsAsProtectedAndEndsWithItsSession") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ca", {}}, spec("ecdsa-p256")).ok());
  auto tok = openedToken(token);
  REQUIRE(pkcs11::isSoftHsm(*tok->module()));
  auto reader = tok->session();
  REQUIRE(reader.ok());
  auto found = pkcs11::findByRef(**reader, KeyRef{"ca", {}}, CKO_PRIVATE_KEY);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CK_OBJECT_HANDLE key = found->front();
  auto pk = pkcs11::publicKeyOfPrivate(**reader, key);
  REQUIRE(pk.ok());

  CK_OBJECT_HANDLE copy = CK_INVALID_HANDLE;
  {
    auto owner = pkcs11::Session::open(tok->module(), tok->slot(), false);
    REQUIRE(owner.ok());
    copy = pkcs11::keyForSigning(*owner, key);
    REQUIRE(copy != key);
    const pkcs11::Session& s = **reader;  // another session sees it
    CHECK_FALSE(*pkcs11::readBool(s, copy, CKA_TOKEN));
    CHECK(*pkcs11::readBool(s, copy, CKA_SENSITIVE));
    CHECK_FALSE(*pkcs11::readBool(s, copy, CKA_EXTRACTABLE));
    CHECK(*pkcs11::readBool(s, copy, CKA_PRIVATE));
    CHECK_FALSE(pkcs11::readAttribute(s, copy, CKA_VALUE).ok());

    Bytes msg = {'c', 'o', 'p', 'y'};
    Bytes digest = sha256(msg);
    CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
    REQUIRE(s.fn()->C_SignInit(s.handle(), &mech, copy) == CKR_OK);
    Bytes sig(64);
    CK_ULONG n = sig.size();
    REQUIRE(s.fn()->C_Sign(s.handle(), digest.data(), digest.size(), sig.data(), &n) == CKR_OK);
    sig.resize(n);
    CHECK(verifyRawSignature(*pk, msg, HashAlg::Sha256, sig).ok());

    // The copy is not a second key under the name.
    auto keys = km->listKeys();
    REQUIRE(keys.ok());
    CHECK(keys->size() == 1);
    CHECK(km->publicKey(KeyRef{"ca", {}}).ok());
    signAndVerify(*km, "ca");
  }
  CHECK_FALSE(pkcs11::readBool(**reader, copy, CKA_TOKEN).ok());  // gone with its session
  CHECK(*pkcs11::readBool(**reader, key, CKA_TOKEN));             // the key stays

  // A key made with CKA_COPYABLE false is used as it is, and signs.
  auto rw = tok->writeSession();
  REQUIRE(rw.ok());
  auto params = pkcs11::ecParamsFor(KeyAlgorithm::EcdsaP256);
  REQUIRE(params.ok());
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  std::string label = "uncopyable";
  CK_ATTRIBUTE pubTmpl[] = {pkcs11::attrBytes(CKA_EC_PARAMS, *params),
                            pkcs11::attr(CKA_TOKEN, yes),
                            pkcs11::attr(CKA_VERIFY, yes),
                            {CKA_LABEL, label.data(), label.size()}};
  CK_ATTRIBUTE privTmpl[] = {pkcs11::attr(CKA_TOKEN, yes),     pkcs11::attr(CKA_PRIVATE, yes),
                             pkcs11::attr(CKA_SENSITIVE, yes), pkcs11::attr(CKA_SIGN, yes),
                             pkcs11::attr(CKA_COPYABLE, no),   {CKA_LABEL, label.data(), label.size()}};
  CK_MECHANISM gen{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE;
  REQUIRE(rw->fn()->C_GenerateKeyPair(rw->handle(), &gen, pubTmpl, 4, privTmpl, 6, &pub, &priv) == CKR_OK);
  CHECK(pkcs11::keyForSigning(*rw, priv) == priv);
  signAndVerify(*km, label);
  auto uncopyable = tok->lease(1);  // bound second, after "ca"
  REQUIRE(uncopyable.ok());
  CHECK(uncopyable->key == priv);
}

// A key deleted from the token while a signer uses its session copy stops
// signing within Token::kKeyCheckEvery (a signature with the token object
// would fail at once), and the token is away until the key is back.
TEST_CASE("SoftHsmKeyDeletedFromTheTokenStopsItsCopySigning") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ca", {}}, spec("ecdsa-p256")).ok());
  auto signer = km->createSigner(KeyRef{"ca", {}});
  REQUIRE(signer.ok());
  Bytes msg = {'m', 's', 'g'};
  REQUIRE((*signer)->sign(msg, HashAlg::Sha256).ok());
  auto tok = openedToken(token);
  {
    auto lease = tok->lease(0);
    REQUIRE(lease.ok());
    auto rw = tok->writeSession();
    REQUIRE(rw.ok());
    auto found = pkcs11::findByRef(*rw, KeyRef{"ca", {}}, CKO_PRIVATE_KEY);
    REQUIRE(found.ok());
    REQUIRE(found->size() == 1);
    CHECK(lease->key != found->front());  // it signs with a copy
    REQUIRE(rw->fn()->C_DestroyObject(rw->handle(), found->front()) == CKR_OK);
  }
  std::this_thread::sleep_for(pkcs11::Token::kKeyCheckEvery + std::chrono::milliseconds(50));
  auto sig = (*signer)->sign(msg, HashAlg::Sha256);
  REQUIRE_FALSE(sig.ok());
  CHECK(sig.error().code == ErrorCode::Unavailable);
  CHECK_FALSE(tok->health(std::chrono::milliseconds(2000)).ok());
  CHECK_FALSE((*signer)->sign(msg, HashAlg::Sha256).ok());
}

// A token found again signs with a new copy made on the new connection's
// login session; the old copy went with the old one, so its handle names
// nothing any more.
TEST_CASE("SoftHsmTokenFoundAgainSignsWithANewCopy") {
  SoftHsmToken token;
  auto km = openManager(token);
  REQUIRE(km->createKey(KeyRef{"ca", {}}, spec("ecdsa-p256")).ok());
  signAndVerify(*km, "ca");
  auto tok = openedToken(token);
  CK_OBJECT_HANDLE oldCopy = CK_INVALID_HANDLE;
  {
    auto lease = tok->lease(0);
    REQUIRE(lease.ok());
    oldCopy = lease->key;
    tok->failed(lease->session, "C_Sign", CKR_DEVICE_REMOVED);  // as if the token went away
  }
  CHECK_FALSE(tok->health(std::chrono::milliseconds(0)).ok());
  bool back = false;
  for (int i = 0; i < 200 && !back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    back = tok->health(std::chrono::milliseconds(2000)).ok();
  }
  REQUIRE(back);
  auto lease = tok->lease(0);
  REQUIRE(lease.ok());
  CHECK(lease->key != oldCopy);
  CHECK_FALSE(*pkcs11::readBool(*lease->session, lease->key, CKA_TOKEN));
  CHECK_FALSE(pkcs11::readBool(*lease->session, oldCopy, CKA_TOKEN).ok());  // gone with its session
  signAndVerify(*km, "ca");
}
