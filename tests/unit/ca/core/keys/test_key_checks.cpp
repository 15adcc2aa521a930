#include <catch2/catch.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/keys/key_checks.h"
#include "ca/core/keys/key_generation.h"

using namespace sshca;

namespace {

Bytes hexBytes(std::string_view hex) { return fromHex(hex).value(); }

Bytes oddModulusOfBits(int bits) {
  Bytes n(static_cast<size_t>(bits / 8), 0x5a);
  n[0] = 0x80;
  n.back() = 0x01;
  return n;
}

}  // namespace

TEST_CASE("RefusesEveryEd25519SmallOrderEncodingWithEitherSign") {
  for (const char* y : {"0000000000000000000000000000000000000000000000000000000000000000",
                        "0100000000000000000000000000000000000000000000000000000000000000",
                        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
    Bytes p = hexBytes(y);
    for (int sign = 0; sign < 2; ++sign) {
      p[31] = static_cast<uint8_t>((p[31] & 0x7f) | (sign << 7));
      auto st = checkEd25519Point(p);
      REQUIRE_FALSE(st.ok());
      CHECK(st.error().code == ErrorCode::InvalidFormat);
      CHECK(st.error().message.find("small-order") != std::string::npos);
    }
  }
}

TEST_CASE("AcceptsAGeneratedEd25519KeyAndEveryOtherSupportedKind") {
  for (auto spec :
       {KeySpec{KeyAlgorithm::Ed25519, 0}, KeySpec{KeyAlgorithm::EcdsaP256, 0}, KeySpec{KeyAlgorithm::EcdsaP384, 0},
        KeySpec{KeyAlgorithm::EcdsaP521, 0}, KeySpec{KeyAlgorithm::Rsa, 2048}}) {
    auto priv = generatePrivateKey(spec);
    REQUIRE(priv.ok());
    auto pub = PublicKey::fromEvp(priv->get());
    REQUIRE(pub.ok());
    CHECK(checkSubjectKey(*pub).ok());
  }
}

TEST_CASE("RefusesRsaEvenModulusSizesOutsideTheRangeAndOddExponents") {
  Bytes e65537 = {0x01, 0x00, 0x01};
  CHECK(checkRsaComponents(oddModulusOfBits(2048), e65537).ok());
  CHECK(checkRsaComponents(oddModulusOfBits(8192), e65537).ok());
  CHECK(checkRsaComponents(oddModulusOfBits(2048), Bytes{3}).ok());
  CHECK(checkRsaComponents(oddModulusOfBits(2048), Bytes{0xff, 0xff, 0xff, 0xff}).ok());

  Bytes even = oddModulusOfBits(2048);
  even.back() = 0x02;
  CHECK(checkRsaComponents(even, e65537).error().code == ErrorCode::InvalidFormat);
  CHECK(checkRsaComponents(oddModulusOfBits(1024), e65537).error().message.find("too small") != std::string::npos);
  CHECK(checkRsaComponents(oddModulusOfBits(16384), e65537).error().message.find("too large") != std::string::npos);
  for (const Bytes& e : {Bytes{1}, Bytes{2}, Bytes{0x01, 0x00, 0x00}, Bytes{0x01, 0x00, 0x00, 0x00, 0x01}, Bytes{}}) {
    auto st = checkRsaComponents(oddModulusOfBits(2048), e);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::Unsupported);
  }
}

TEST_CASE("AnEcPointOffTheCurveIsInvalidFormatNotACryptoFailure") {
  auto priv = generatePrivateKey({KeyAlgorithm::EcdsaP256, 0});
  REQUIRE(priv.ok());
  auto pub = PublicKey::fromEvp(priv->get());
  REQUIRE(pub.ok());
  Bytes point = ecPointOf(*pub).value();
  point.back() ^= 1;
  auto bad = publicKeyFromEcPoint(KeyAlgorithm::EcdsaP256, point);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::InvalidFormat);
  CHECK(bad.error().message == "the ECDSA public key is not a point on its curve");
}

// checkSubjectKey remembers a pass in the key (the CA key is checked before
// every certificate). Only a pass, and only for that key and its copies: a
// refused key is refused every time, also right after good keys passed.
TEST_CASE("CheckSubjectKeyRemembersOnlyPassesAndOnlyForThatKey") {
  auto good = publicKeyFromEd25519(hexBytes("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
  REQUIRE(good.ok());
  auto smallOrder = publicKeyFromEd25519(hexBytes("0100000000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(smallOrder.ok());

  for (int round = 0; round < 3; ++round) {
    PublicKey goodCopy = *good;
    CHECK(checkSubjectKey(goodCopy).ok());
    PublicKey badCopy = *smallOrder;
    auto st = checkSubjectKey(badCopy);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().code == ErrorCode::InvalidFormat);
  }
  // A key made again from the same bytes is checked on its own.
  auto again = publicKeyFromEd25519(hexBytes("0100000000000000000000000000000000000000000000000000000000000000"));
  REQUIRE(again.ok());
  CHECK_FALSE(checkSubjectKey(*again).ok());
}
