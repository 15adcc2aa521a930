// OpenSSH Key Revocation Lists (PROTOCOL.krl): what sshd's RevokedKeys
// and `ssh-keygen -Q` read. The CA writes one from its database; hosts and
// pam_sshca parse one and ask whether a certificate is in it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::ssh {

// An inclusive serial range (KRL_SECTION_CERT_SERIAL_RANGE): a parsed range
// stays a range instead of being expanded (ssh-keygen -k accepts 1-(2^64-1)).
struct KrlSerialRange {
  uint64_t first = 0;
  uint64_t last = 0;
  bool operator==(const KrlSerialRange&) const = default;
};

// KRL_SECTION_CERTIFICATES: certificates of one CA key revoked by serial
// or by key ID. caKey absent = "any CA" (an empty ca_key string).
// Serial 0 is never revoked (sshd ignores it; OpenSSH refuses it in a KRL):
// the writer drops it.
struct KrlCertificates {
  std::optional<PublicKey> caKey;
  std::vector<uint64_t> serials;  // any order; the writer sorts, dedupes, picks list/range/bitmap
  std::vector<std::string> keyIds;
  // Written together with `serials` (merged, cheapest records). The parser
  // puts range records here and list/bitmap records in `serials`.
  std::vector<KrlSerialRange> ranges{};
};

struct Krl {
  uint64_t version = 0;        // krl_version: hosts refuse to go backwards
  uint64_t generatedDate = 0;  // seconds since the epoch
  std::string comment;
  std::vector<KrlCertificates> certificates;
  std::vector<PublicKey> explicitKeys;    // KRL_SECTION_EXPLICIT_KEY (plain keys)
  std::vector<Bytes> sha1Fingerprints;    // KRL_SECTION_FINGERPRINT_SHA1 (20 bytes each)
  std::vector<Bytes> sha256Fingerprints;  // KRL_SECTION_FINGERPRINT_SHA256 (32 bytes each)
};

// The binary KRL. Deterministic: the same Krl gives the same bytes.
Bytes encodeKrl(const Krl& krl);

// Strict parser: magic and format version, known section types, sorted
// and non-overlapping serial records as PROTOCOL.krl requires, no trailing
// data. Signature sections (unused by OpenSSH) are refused. InvalidFormat
// (bytes that break the format, docs/errors.md) with the reason; Unsupported
// for a key type we do not handle or a critical extension.
Result<Krl> parseKrl(std::span<const uint8_t> data);

// Whether sshd would refuse `cert` because of `krl`: its serial or key ID
// revoked under its signing CA key (or any CA), or its subject key or CA
// key revoked explicitly or by fingerprint.
bool isCertificateRevoked(const Krl& krl, const Certificate& cert);
// Whether a plain key is revoked (explicit key or fingerprint).
bool isKeyRevoked(const Krl& krl, const PublicKey& key);

}  // namespace sshca::ssh
