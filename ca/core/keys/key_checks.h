// The checks every subject key passes before anything is certified for it,
// in one place: the sign, rekey and renew paths of the service, SSHPOP
// proofs, `sshca ssh sign`, pam_sshca's trust files and the agent's own
// keys all call checkSubjectKey. A key that parses is not yet a key we
// certify: a parser keeps what the format allows, these checks keep what
// is safe to trust.
//
// | check                                   | code           |
// | --------------------------------------- | -------------- |
// | ECDSA point not on its curve            | invalid_format |
// | Ed25519 small-order or non-canonical    | invalid_format |
// | RSA modulus even                        | invalid_format |
// | RSA modulus outside 2048-8192 bits      | unsupported    |
// | RSA exponent even, < 3 or >= 2^32       | unsupported    |
//
// RSA exponent: OpenSSH accepts any odd exponent >= 3; we also cap it below
// 2^32 (65537 and PuTTY's 37 are common, nothing larger is) because a huge
// exponent makes every verification slow. 8192 bits is the largest modulus
// ssh-keygen generates for a user; the format allows 16384 and the parser
// keeps accepting that for keys we only read (KRLs, CA lines).
#pragma once

#include <cstdint>
#include <span>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca {

inline constexpr int kMinSubjectRsaBits = 2048;
inline constexpr int kMaxSubjectRsaBits = 8192;

Status checkSubjectKey(const PublicKey& key);

// The parts, for tests and for parsers that hold raw components.
Status checkEcPointOnCurve(const PublicKey& key);
Status checkEd25519Point(std::span<const uint8_t> raw32);
Status checkRsaComponents(std::span<const uint8_t> modulus, std::span<const uint8_t> exponent);

}  // namespace sshca
