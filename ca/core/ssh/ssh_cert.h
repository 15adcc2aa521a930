// OpenSSH certificates (draft-miller-ssh-cert, "New public key formats"):
// the *-cert-v01@openssh.com key types, their issuing rules, codec,
// signing and verification.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/keys/signer.h"

namespace sshca::ssh {

// SSH_CERT_TYPE_USER / SSH_CERT_TYPE_HOST.
enum class CertType : uint32_t { User = 1, Host = 2 };

// What the CA is asked to issue. Option and extension values are the inner
// string of the option data; flags have "".
struct CertTemplate {
  PublicKey key;
  CertType type = CertType::User;
  std::string keyId{};
  std::vector<std::string> principals{};
  uint64_t validAfter = 0;
  uint64_t validBefore = 0;
  std::optional<uint64_t> serial{};  // random non-zero when absent
  std::map<std::string, std::string> criticalOptions{};
  std::map<std::string, std::string> extensions{};
};

// A parsed (or freshly signed) certificate. Options/extensions keep wire
// order (sorted by name) and hold the inner string value ("" for flags).
struct Certificate {
  PublicKey key;
  Bytes nonce{};
  uint64_t serial = 0;
  CertType type = CertType::User;
  std::string keyId{};
  std::vector<std::string> principals{};
  uint64_t validAfter = 0;
  uint64_t validBefore = 0;
  std::vector<std::pair<std::string, std::string>> criticalOptions{};
  std::vector<std::pair<std::string, std::string>> extensions{};
  Bytes reserved{};
  PublicKey signatureKey;
  Bytes signature{};  // the SSH signature blob
  Bytes wire{};       // the complete encoding (as parsed or as signed)

  // "ssh-ed25519-cert-v01@openssh.com" etc., from the subject key.
  std::string certTypeName() const;
};

// "<plain key type>-cert-v01@openssh.com".
std::string certTypeNameFor(const PublicKey& key);

// ---- issuing rules (cert_rules.cpp) ----

// THE certificate rules: every refusal names the value and the reason.
Status validateTemplate(const CertTemplate& tmpl);
// permit-X11-forwarding, permit-agent-forwarding, permit-port-forwarding,
// permit-pty, permit-user-rc (what ssh-keygen adds to user certificates).
std::map<std::string, std::string> defaultUserExtensions();
// valid after <= now < valid before (draft-miller-ssh-cert); `now` in seconds
// since the epoch. Unauthenticated when outside.
Status checkValidAt(const Certificate& cert, uint64_t now);

// ---- issuing (cert_sign.cpp) ----

// Validates, draws a 32-byte nonce (then a serial unless given) from `rng`,
// signs with `ca`, verifies the result and returns it parsed, with `wire`.
Result<Certificate> signCertificate(const CertTemplate& tmpl, const Signer& ca, RandomSource& rng);

// ---- codec (ssh_cert.cpp) ----

// Strict: known types, caps, minimal mpints, options sorted and unique,
// signature key a valid CA key, no trailing data. Does not verify.
Result<Certificate> parseCertificate(std::span<const uint8_t> wire);
// Every field up to and including the signature key (what is signed).
Bytes encodeCertificateToBeSigned(const Certificate& cert);
// The complete encoding from the fields (signature included).
Bytes encodeCertificate(const Certificate& cert);
// Verifies `signature` by `signatureKey` over the encoded fields.
Status verifyCertificateSignature(const Certificate& cert);

// "<cert type> <base64> [comment]", as in *-cert.pub files.
std::string formatCertificateLine(const Certificate& cert, std::string_view comment);
Result<Certificate> parseCertificateLine(std::string_view line);

}  // namespace sshca::ssh
