// SSH public key encodings: RFC 4253 §6.6 (ssh-rsa), RFC 5656 §3.1 (ECDSA),
// RFC 8709 §4 (Ed25519). Text form as written by ssh-keygen (.pub files).
#include "ca/core/ssh/ssh_pubkey.h"

#include <bit>
#include <cassert>

#include <openssl/evp.h>

#include "ca/core/common/digest.h"
#include "ca/core/keys/key_checks.h"
#include "ca/core/wire/limits.h"

namespace sshca::ssh {
namespace {

constexpr int kMinRsaBits = 1024;   // below this nothing parses (as OpenSSH)
constexpr int kMaxRsaBits = 16384;  // OpenSSH's SSHBUF_MAX_BIGNUM * 8
constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";

struct EcCurve {
  KeyAlgorithm alg;
  std::string_view type;
  std::string_view curve;  // RFC 5656 §6.1 identifier
};
constexpr EcCurve kCurves[] = {
    {KeyAlgorithm::EcdsaP256, "ecdsa-sha2-nistp256", "nistp256"},
    {KeyAlgorithm::EcdsaP384, "ecdsa-sha2-nistp384", "nistp384"},
    {KeyAlgorithm::EcdsaP521, "ecdsa-sha2-nistp521", "nistp521"},
};

const EcCurve* curveByType(std::string_view type) {
  for (const auto& c : kCurves)
    if (c.type == type) return &c;
  return nullptr;
}

const EcCurve& curveByAlg(KeyAlgorithm alg) {
  for (const auto& c : kCurves)
    if (c.alg == alg) return c;
  assert(false);
  return kCurves[0];
}

Result<PublicKey> readEcdsa(wire::Reader& r, const EcCurve& c) {
  SSHCA_ASSIGN_OR_RETURN(std::string curve, r.cstring());
  if (curve != c.curve)
    return makeError(ErrorCode::InvalidFormat,
                     "ECDSA curve '" + curve + "' does not match key type " + std::string(c.type));
  SSHCA_ASSIGN_OR_RETURN(auto q, r.string());
  return publicKeyFromEcPoint(c.alg, q);
}

Result<PublicKey> readRsa(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto e, r.mpint());
  SSHCA_ASSIGN_OR_RETURN(auto n, r.mpint());
  if (e.empty() || (e.back() & 1) == 0 || (e.size() == 1 && e[0] < 3))
    return makeError(ErrorCode::InvalidFormat, "RSA public exponent is not an odd number >= 3");
  int bits = n.empty() ? 0 : static_cast<int>((n.size() - 1) * 8 + std::bit_width(unsigned{n[0]}));
  if (bits < kMinRsaBits || bits > kMaxRsaBits)
    return makeError(ErrorCode::Unsupported, "RSA key of " + std::to_string(bits) + " bits is outside " +
                                                 std::to_string(kMinRsaBits) + "-" + std::to_string(kMaxRsaBits));
  return publicKeyFromRsa(n, e);
}

Result<PublicKey> readEd25519(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto pk, r.string());
  if (pk.size() != 32) return makeError(ErrorCode::InvalidFormat, "Ed25519 public key is not 32 bytes");
  return publicKeyFromEd25519(pk);
}

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Error unknownType(std::string_view type) {
  if (type == "ssh-dss") return makeError(ErrorCode::Unsupported, "DSA keys are not supported");
  if (endsWith(type, kCertSuffix))
    return makeError(ErrorCode::Unsupported, "'" + std::string(type) + "' is a certificate, not a plain public key");
  if (type.starts_with("sk-"))
    return makeError(ErrorCode::Unsupported, "FIDO security keys (" + std::string(type) + ") are not supported");
  return makeError(ErrorCode::Unsupported, "unknown key type '" + std::string(type) + "'");
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits off the first whitespace-delimited token.
std::string_view nextToken(std::string_view& s) {
  s = trim(s);
  size_t end = 0;
  while (end < s.size() && !isSpace(s[end])) ++end;
  std::string_view tok = s.substr(0, end);
  s = trim(s.substr(end));
  return tok;
}

}  // namespace

std::string keyTypeName(KeyAlgorithm alg) {
  switch (alg) {
    case KeyAlgorithm::Ed25519:
      return "ssh-ed25519";
    case KeyAlgorithm::Rsa:
      return "ssh-rsa";
    default:
      return std::string(curveByAlg(alg).type);
  }
}

std::string keyTypeName(const PublicKey& key) { return keyTypeName(key.algorithm()); }

Result<PublicKey> readPublicKeyBody(wire::Reader& r, std::string_view type) {
  if (type == "ssh-ed25519") return readEd25519(r);
  if (type == "ssh-rsa") return readRsa(r);
  if (const EcCurve* c = curveByType(type)) return readEcdsa(r, *c);
  return unknownType(type);
}

void writePublicKeyBody(wire::Writer& w, const PublicKey& key) {
  // The accessors only fail for a key of another algorithm, which the
  // switch rules out; an empty value would show up in every round-trip test.
  switch (key.algorithm()) {
    case KeyAlgorithm::Ed25519:
      w.string(ed25519RawOf(key).value());
      return;
    case KeyAlgorithm::Rsa:
      w.mpint(rsaExponentOf(key).value());
      w.mpint(rsaModulusOf(key).value());
      return;
    default:
      w.cstring(curveByAlg(key.algorithm()).curve);
      w.string(ecPointOf(key).value());
  }
}

Result<PublicKey> parsePublicKeyWire(std::span<const uint8_t> data) {
  wire::Reader r(data);
  SSHCA_ASSIGN_OR_RETURN(std::string type, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, readPublicKeyBody(r, type));
  if (auto end = r.expectEnd(); !end.ok()) return std::move(end).error().context("public key");
  return key;
}

Bytes encodePublicKeyWire(const PublicKey& key) {
  wire::Writer w;
  w.cstring(keyTypeName(key));
  writePublicKeyBody(w, key);
  return std::move(w).take();
}

Result<PublicKeyLine> parsePublicKeyLine(std::string_view line) {
  std::string_view rest = line;
  std::string_view type = nextToken(rest);
  std::string_view b64 = nextToken(rest);
  if (type.empty() || b64.empty())
    return makeError(ErrorCode::InvalidFormat, "a public key line is 'type base64 [comment]'");
  if (endsWith(type, kCertSuffix))
    return makeError(ErrorCode::InvalidFormat,
                     "this is a certificate line (" + std::string(type) + "), not a public key; pass the key itself");
  auto blob = base64Decode(b64);
  if (!blob.ok()) return std::move(blob).error().context("public key line");
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, parsePublicKeyWire(*blob));
  if (keyTypeName(key) != type)
    return makeError(ErrorCode::InvalidFormat,
                     "key type '" + std::string(type) + "' does not match the encoded key (" + keyTypeName(key) + ")");
  return PublicKeyLine{std::move(key), std::string(rest)};
}

std::string formatPublicKeyLine(const PublicKey& key, std::string_view comment) {
  std::string out = keyTypeName(key) + " " + base64Encode(encodePublicKeyWire(key));
  if (!comment.empty()) out += " " + std::string(comment);
  return out;
}

std::string fingerprintSha256(const PublicKey& key) {
  std::string b64 = base64Encode(sha256(encodePublicKeyWire(key)));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

Status checkCaKey(const PublicKey& key) {
  auto st = checkSubjectKey(key);
  if (!st.ok()) return std::move(st).error().context("CA key");
  return okStatus();
}

}  // namespace sshca::ssh
