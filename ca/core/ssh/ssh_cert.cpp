// OpenSSH certificate codec, draft-miller-ssh-cert "New public key formats":
//   string type, string nonce, <key fields>, uint64 serial, uint32 type,
//   string key id, string valid principals, uint64 valid after,
//   uint64 valid before, string critical options, string extensions,
//   string reserved, string signature key, string signature
// The signature covers every field up to and including the signature key.
#include "ca/core/ssh/ssh_cert.h"

#include "ca/core/ssh/cert_options.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/wire/limits.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";
constexpr std::string_view kPlainTypes[] = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                            "ecdsa-sha2-nistp521", "ssh-rsa"};

// The plain key type a certificate type wraps.
Result<std::string> plainTypeOf(std::string_view certType) {
  if (certType == "ssh-dss-cert-v01@openssh.com")
    return makeError(ErrorCode::Unsupported, "DSA certificates are not supported");
  if (certType.size() > kCertSuffix.size() && certType.ends_with(kCertSuffix)) {
    std::string_view plain = certType.substr(0, certType.size() - kCertSuffix.size());
    for (auto t : kPlainTypes)
      if (t == plain) return std::string(plain);
  }
  return makeError(ErrorCode::Unsupported, "unknown certificate type '" + std::string(certType) + "'");
}

Result<std::vector<std::string>> readPrincipals(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(wire::Reader list, r.subReader());
  std::vector<std::string> out;
  while (list.remaining() > 0) {
    if (out.size() == wire::kMaxPrincipals)
      return makeError(ErrorCode::InvalidFormat,
                       "certificate has more than " + std::to_string(wire::kMaxPrincipals) + " principals");
    SSHCA_ASSIGN_OR_RETURN(std::string p, list.cstring());
    out.push_back(std::move(p));
  }
  return out;
}

Result<CertType> readCertType(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(uint32_t t, r.u32());
  if (t != static_cast<uint32_t>(CertType::User) && t != static_cast<uint32_t>(CertType::Host))
    return makeError(ErrorCode::InvalidFormat, "certificate type " + std::to_string(t) + " is neither user nor host");
  return static_cast<CertType>(t);
}

Result<OptionList> readOptions(wire::Reader& r, std::string_view what) {
  SSHCA_ASSIGN_OR_RETURN(auto section, r.string());
  return readOptionSection(section, what);
}

Result<PublicKey> readSignatureKey(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto blob, r.string());
  auto key = parsePublicKeyWire(blob);
  if (!key.ok()) return std::move(key).error().context("certificate signature key");
  SSHCA_RETURN_IF_ERROR(checkCaKey(*key));
  return std::move(*key);
}

Result<Bytes> readSignature(wire::Reader& r) {
  SSHCA_ASSIGN_OR_RETURN(auto blob, r.string());
  auto alg = signatureBlobAlgorithm(blob);
  if (!alg.ok()) return std::move(alg).error().context("certificate signature");
  return Bytes(blob.begin(), blob.end());
}

Bytes toBytes(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

// Everything between the key fields and the signature key, in order.
struct Body {
  uint64_t serial;
  CertType type;
  std::string keyId;
  std::vector<std::string> principals;
  uint64_t validAfter, validBefore;
  OptionList critical, extensions;
  Bytes reserved;
};

Result<Body> readBody(wire::Reader& r) {
  Body b{};
  SSHCA_ASSIGN_OR_RETURN(b.serial, r.u64());
  SSHCA_ASSIGN_OR_RETURN(b.type, readCertType(r));
  SSHCA_ASSIGN_OR_RETURN(b.keyId, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(b.principals, readPrincipals(r));
  SSHCA_ASSIGN_OR_RETURN(b.validAfter, r.u64());
  SSHCA_ASSIGN_OR_RETURN(b.validBefore, r.u64());
  SSHCA_ASSIGN_OR_RETURN(b.critical, readOptions(r, "critical options"));
  SSHCA_ASSIGN_OR_RETURN(b.extensions, readOptions(r, "extensions"));
  SSHCA_ASSIGN_OR_RETURN(auto reserved, r.string());
  b.reserved = toBytes(reserved);
  return b;
}

Result<Certificate> parseFields(wire::Reader& r, std::span<const uint8_t> all) {
  SSHCA_ASSIGN_OR_RETURN(std::string certType, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(std::string plain, plainTypeOf(certType));
  SSHCA_ASSIGN_OR_RETURN(auto nonce, r.string());
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, readPublicKeyBody(r, plain));
  SSHCA_ASSIGN_OR_RETURN(Body b, readBody(r));
  SSHCA_ASSIGN_OR_RETURN(PublicKey caKey, readSignatureKey(r));
  SSHCA_ASSIGN_OR_RETURN(Bytes signature, readSignature(r));
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  return Certificate{std::move(key),
                     toBytes(nonce),
                     b.serial,
                     b.type,
                     std::move(b.keyId),
                     std::move(b.principals),
                     b.validAfter,
                     b.validBefore,
                     std::move(b.critical),
                     std::move(b.extensions),
                     std::move(b.reserved),
                     std::move(caKey),
                     std::move(signature),
                     toBytes(all)};
}

bool endsWith(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

}  // namespace

std::string certTypeNameFor(const PublicKey& key) { return keyTypeName(key) + std::string(kCertSuffix); }

std::string Certificate::certTypeName() const { return certTypeNameFor(key); }

Result<Certificate> parseCertificate(std::span<const uint8_t> wire) {
  wire::Reader r(wire);
  auto cert = parseFields(r, wire);
  if (!cert.ok()) return std::move(cert).error().context("certificate");
  return cert;
}

Bytes encodeCertificateToBeSigned(const Certificate& c) {
  wire::Writer w;
  w.cstring(c.certTypeName());
  w.string(c.nonce);
  writePublicKeyBody(w, c.key);
  w.u64(c.serial);
  w.u32(static_cast<uint32_t>(c.type));
  w.cstring(c.keyId);
  wire::Writer principals;
  for (const auto& p : c.principals) principals.cstring(p);
  w.nested(principals);
  w.u64(c.validAfter);
  w.u64(c.validBefore);
  writeOptionSection(w, c.criticalOptions);
  writeOptionSection(w, c.extensions);
  w.string(c.reserved);
  w.string(encodePublicKeyWire(c.signatureKey));
  return std::move(w).take();
}

Bytes encodeCertificate(const Certificate& c) {
  wire::Writer w;
  w.raw(encodeCertificateToBeSigned(c));
  w.string(c.signature);
  return std::move(w).take();
}

Status verifyCertificateSignature(const Certificate& c) {
  auto st = verifySignatureBlob(c.signatureKey, encodeCertificateToBeSigned(c), c.signature);
  if (!st.ok()) return std::move(st).error().context("certificate signature");
  return okStatus();
}

std::string formatCertificateLine(const Certificate& cert, std::string_view comment) {
  std::string out = cert.certTypeName() + " " + base64Encode(cert.wire.empty() ? encodeCertificate(cert) : cert.wire);
  if (!comment.empty()) out += " " + std::string(comment);
  return out;
}

Result<Certificate> parseCertificateLine(std::string_view line) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t i = 0;
  while (i < line.size() && isSpace(line[i])) ++i;
  size_t typeEnd = i;
  while (typeEnd < line.size() && !isSpace(line[typeEnd])) ++typeEnd;
  size_t b64 = typeEnd;
  while (b64 < line.size() && isSpace(line[b64])) ++b64;
  size_t b64End = b64;
  while (b64End < line.size() && !isSpace(line[b64End])) ++b64End;
  std::string_view type = line.substr(i, typeEnd - i);
  if (type.empty() || b64 == b64End)
    return makeError(ErrorCode::InvalidFormat, "a certificate line is 'type base64 [comment]'");
  if (!endsWith(type, kCertSuffix))
    return makeError(ErrorCode::InvalidFormat, "'" + std::string(type) + "' is not a certificate type");
  auto blob = base64Decode(line.substr(b64, b64End - b64));
  if (!blob.ok()) return std::move(blob).error().context("certificate line");
  SSHCA_ASSIGN_OR_RETURN(Certificate cert, parseCertificate(*blob));
  if (cert.certTypeName() != type)
    return makeError(
        ErrorCode::InvalidFormat,
        "line type '" + std::string(type) + "' does not match the encoded certificate (" + cert.certTypeName() + ")");
  return cert;
}

}  // namespace sshca::ssh
