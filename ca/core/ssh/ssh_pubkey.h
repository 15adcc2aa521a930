// SSH public keys in their wire form and as one-line text.
//   ssh-rsa:            RFC 4253 §6.6 (string "ssh-rsa", mpint e, mpint n)
//   ecdsa-sha2-nistp*:  RFC 5656 §3.1 (string type, string curve, string Q)
//   ssh-ed25519:        RFC 8709 §4 (string "ssh-ed25519", string key)
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/key_checks.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {

// "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
// "ecdsa-sha2-nistp521" or "ssh-rsa".
std::string keyTypeName(const PublicKey& key);
std::string keyTypeName(KeyAlgorithm alg);

// Strict parse of a whole public key blob: known type, minimal mpints, EC
// point on the named curve, no trailing bytes. ssh-dss, FIDO (sk-*) and
// certificate types are Unsupported.
Result<PublicKey> parsePublicKeyWire(std::span<const uint8_t> wire);
Bytes encodePublicKeyWire(const PublicKey& key);

// The fields after the type name (shared with certificates, whose key
// fields follow the nonce). `typeName` is the plain key type.
Result<PublicKey> readPublicKeyBody(wire::Reader& r, std::string_view typeName);
void writePublicKeyBody(wire::Writer& w, const PublicKey& key);

// "type base64 comment", as in .pub files and authorized_keys (without
// options). Certificate lines are refused with a message saying so.
struct PublicKeyLine {
  PublicKey key;
  std::string comment;
};
Result<PublicKeyLine> parsePublicKeyLine(std::string_view line);
std::string formatPublicKeyLine(const PublicKey& key, std::string_view comment);

// "SHA256:" + unpadded base64 of SHA-256 over the wire form (ssh-keygen -l).
std::string fingerprintSha256(const PublicKey& key);

// Keys a certificate may be issued for: ca/core/keys/key_checks.h (points
// on their curve, no small-order Ed25519 point, RSA of 2048-8192 bits with
// an odd modulus and a sane exponent).
using sshca::checkSubjectKey;
// Keys that may sign certificates (the same set).
Status checkCaKey(const PublicKey& key);

}  // namespace sshca::ssh
