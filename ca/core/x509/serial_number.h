// Certificate serial numbers (RFC 5280 4.1.2.2): positive, at most 20
// octets, unpredictable (CA/B Forum BR 7.1: at least 64 random bits).
#pragma once

#include <string>
#include <string_view>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"

namespace sshca::x509 {

inline constexpr size_t kSerialBytes = 16;

// 16 random bytes whose top bit is clear (positive) and second-highest bit
// set (so the encoding is always exactly 16 octets): 126 random bits.
Result<ossl::Asn1Integer> randomSerial(RandomSource& rng);

// Upper-case hex without separators or leading zero octets, as
// `openssl x509 -serial` prints it ("4A0F...").
Result<std::string> serialToHex(const ASN1_INTEGER* serial);

// Accepts what people paste: upper/lower case, optional "0x" and ':'
// separators. Returns the canonical form of serialToHex.
Result<std::string> normalizeSerialHex(std::string_view text);
Result<ossl::Asn1Integer> serialFromHex(std::string_view text);

}  // namespace sshca::x509
