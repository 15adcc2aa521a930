#include "ca/core/kms/pkcs11/ec_params.h"

#include <algorithm>

namespace sshca::pkcs11 {
namespace {

const Bytes kP256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kP384 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
const Bytes kP521 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
const Bytes kEd25519Oid = {0x06, 0x03, 0x2b, 0x65, 0x70};
const Bytes kEd25519Name = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5', '5', '1', '9'};

bool same(std::span<const uint8_t> a, const Bytes& b) { return std::ranges::equal(a, b); }

}  // namespace

Result<Bytes> ecParamsFor(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::EcdsaP256:
      return kP256;
    case KeyAlgorithm::EcdsaP384:
      return kP384;
    case KeyAlgorithm::EcdsaP521:
      return kP521;
    case KeyAlgorithm::Ed25519:
      return kEd25519Oid;
    default:
      return makeError(ErrorCode::InvalidArgument, "not an EC key type");
  }
}

Result<KeyAlgorithm> algorithmOfEcParams(std::span<const uint8_t> der) {
  if (same(der, kP256)) return KeyAlgorithm::EcdsaP256;
  if (same(der, kP384)) return KeyAlgorithm::EcdsaP384;
  if (same(der, kP521)) return KeyAlgorithm::EcdsaP521;
  if (same(der, kEd25519Oid) || same(der, kEd25519Name)) return KeyAlgorithm::Ed25519;
  return makeError(ErrorCode::Unsupported, "key on an EC curve sshca does not support");
}

Bytes unwrapEcPoint(std::span<const uint8_t> a) {
  // Short form (len < 128) and the one-byte long form (0x81 len) cover every
  // point up to P-521 (133 bytes).
  if (a.size() >= 2 && a[0] == 0x04 && a[1] < 0x80 && a.size() == 2u + a[1]) return Bytes(a.begin() + 2, a.end());
  if (a.size() >= 3 && a[0] == 0x04 && a[1] == 0x81 && a.size() == 3u + a[2]) return Bytes(a.begin() + 3, a.end());
  return Bytes(a.begin(), a.end());
}

Bytes wrapEcPoint(std::span<const uint8_t> point) {
  Bytes out{0x04};
  if (point.size() >= 0x80) out.push_back(0x81);
  out.push_back(static_cast<uint8_t>(point.size()));
  out.insert(out.end(), point.begin(), point.end());
  return out;
}

}  // namespace sshca::pkcs11
