#include "ca/core/x509/serial_number.h"

#include <cctype>

namespace sshca::x509 {

namespace {

Result<std::string> bignumToHex(const BIGNUM* bn) {
  ossl::OwnedChars hex(BN_bn2hex(bn));
  if (!hex) return ossl::error("formatting a serial number");
  std::string out(hex.get());
  return out;
}

Result<ossl::Bignum> parseHexSerial(std::string_view text) {
  std::string digits;
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return makeError(ErrorCode::InvalidArgument, "serial '" + std::string(text) + "' is not hexadecimal");
    digits += c;
  }
  if (digits.empty() || digits.size() > 40)
    return makeError(ErrorCode::InvalidArgument, "serial must be 1 to 20 octets of hex");
  BIGNUM* bn = nullptr;
  if (BN_hex2bn(&bn, digits.c_str()) == 0) return ossl::error("parsing serial");
  ossl::Bignum out(bn);
  if (BN_is_zero(out.get())) return makeError(ErrorCode::InvalidArgument, "serial 0 is not a valid serial number");
  return out;
}

}  // namespace

Result<ossl::Asn1Integer> randomSerial(RandomSource& rng) {
  SSHCA_ASSIGN_OR_RETURN(Bytes b, rng.bytes(kSerialBytes));
  b[0] = static_cast<uint8_t>((b[0] & 0x3f) | 0x40);
  ossl::Bignum bn(BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr));
  if (!bn) return ossl::error("building a serial number");
  ossl::Asn1Integer out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) return ossl::error("encoding a serial number");
  return out;
}

Result<std::string> serialToHex(const ASN1_INTEGER* serial) {
  ossl::Bignum bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return ossl::error("reading a serial number");
  return bignumToHex(bn.get());
}

Result<std::string> normalizeSerialHex(std::string_view text) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum bn, parseHexSerial(text));
  return bignumToHex(bn.get());
}

Result<ossl::Asn1Integer> serialFromHex(std::string_view text) {
  SSHCA_ASSIGN_OR_RETURN(ossl::Bignum bn, parseHexSerial(text));
  ossl::Asn1Integer out(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!out) return ossl::error("encoding a serial number");
  return out;
}

}  // namespace sshca::x509
