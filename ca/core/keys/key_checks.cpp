#include "ca/core/keys/key_checks.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include <openssl/evp.h>

namespace sshca {
namespace {

using Point = std::array<uint8_t, 32>;

// The y coordinates (little-endian, sign bit cleared) of the points of
// order 1, 2, 4 and 8 on edwards25519, and of y = p and p + 1, the
// non-canonical encodings of 0 and 1. With either sign bit they are the
// small-order encodings libsodium refuses (crypto_core_ed25519_is_valid_point):
// such a key verifies signatures that no private key made.
constexpr std::array<Point, 7> kSmallOrderY = {{
    {0x00},  // y = 0 (order 4)
    {0x01},  // y = 1 (order 1)
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},  // order 8
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},  // order 8
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p-1 (order 2)
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p (= 0)
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},  // p+1 (= 1)
}};

// y >= p = 2^255 - 19 (little-endian, sign bit cleared): not a canonical
// encoding (RFC 8032 §5.1.3 refuses it when decoding).
bool nonCanonicalY(const Point& y) {
  if (y[31] != 0x7f) return false;
  for (size_t i = 1; i < 31; ++i)
    if (y[i] != 0xff) return false;
  return y[0] >= 0xed;
}

int bitLength(std::span<const uint8_t> be) {
  size_t i = 0;
  while (i < be.size() && be[i] == 0) ++i;
  if (i == be.size()) return 0;
  return static_cast<int>((be.size() - i - 1) * 8 + std::bit_width(unsigned{be[i]}));
}

}  // namespace

// The quick check: the point is on the curve and not at infinity. The full
// check also multiplies the point by the group order, a scalar
// multiplication as costly as a signature, which proves nothing more here:
// P-256, P-384 and P-521 have cofactor 1, so every finite point on them has
// that order. checkSubjectKey runs it once per key (the CA key's first
// certificate), not once per certificate.
Status checkEcPointOnCurve(const PublicKey& key) {
  ossl::EvpPkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.evp(), nullptr));
  if (!ctx) return ossl::error("checking the EC point");
  if (EVP_PKEY_public_check_quick(ctx.get()) != 1) {
    ossl::drainErrors();
    return makeError(ErrorCode::InvalidFormat, "the ECDSA public key is not a point on its curve");
  }
  return okStatus();
}

Status checkEd25519Point(std::span<const uint8_t> raw32) {
  if (raw32.size() != 32) return makeError(ErrorCode::InvalidFormat, "Ed25519 public key is not 32 bytes");
  Point y{};
  std::copy(raw32.begin(), raw32.end(), y.begin());
  y[31] &= 0x7f;  // the sign of x
  if (std::find(kSmallOrderY.begin(), kSmallOrderY.end(), y) != kSmallOrderY.end() || nonCanonicalY(y))
    return makeError(ErrorCode::InvalidFormat,
                     "the Ed25519 public key is a small-order or non-canonical point (no private key has it)");
  return okStatus();
}

Status checkRsaComponents(std::span<const uint8_t> n, std::span<const uint8_t> e) {
  if (n.empty() || (n.back() & 1) == 0)
    return makeError(ErrorCode::InvalidFormat, "the RSA modulus is even (not a product of two primes)");
  int bits = bitLength(n);
  if (bits < kMinSubjectRsaBits)
    return makeError(ErrorCode::Unsupported, "RSA key of " + std::to_string(bits) + " bits is too small; at least " +
                                                 std::to_string(kMinSubjectRsaBits) + " bits are required");
  if (bits > kMaxSubjectRsaBits)
    return makeError(ErrorCode::Unsupported, "RSA key of " + std::to_string(bits) + " bits is too large; at most " +
                                                 std::to_string(kMaxSubjectRsaBits) + " bits are accepted");
  int ebits = bitLength(e);
  if (ebits == 0 || ebits > 32 || (e.back() & 1) == 0 || (ebits <= 2 && e.back() < 3))
    return makeError(ErrorCode::Unsupported,
                     "the RSA public exponent must be odd, at least 3 and below 2^32 (65537 is usual)");
  return okStatus();
}

namespace {

Status checkSubjectKeyNow(const PublicKey& key) {
  switch (key.algorithm()) {
    case KeyAlgorithm::Ed25519: {
      SSHCA_ASSIGN_OR_RETURN(Bytes raw, ed25519RawOf(key));
      return checkEd25519Point(raw);
    }
    case KeyAlgorithm::Rsa: {
      SSHCA_ASSIGN_OR_RETURN(Bytes n, rsaModulusOf(key));
      SSHCA_ASSIGN_OR_RETURN(Bytes e, rsaExponentOf(key));
      return checkRsaComponents(n, e);
    }
    default:
      return checkEcPointOnCurve(key);
  }
}

}  // namespace

// A key that passed once passes again: the key and these rules are fixed.
Status checkSubjectKey(const PublicKey& key) {
  if (key.s_->subjectChecked.load(std::memory_order_acquire)) return okStatus();
  SSHCA_RETURN_IF_ERROR(checkSubjectKeyNow(key));
  key.s_->subjectChecked.store(true, std::memory_order_release);
  return okStatus();
}

}  // namespace sshca
