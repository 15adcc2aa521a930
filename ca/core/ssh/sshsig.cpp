// SSHSIG (PROTOCOL.sshsig): the blob, the data the key signs, and the
// armour exactly as ssh-keygen -Y sign writes it.
#include "ca/core/ssh/sshsig.h"

#include <openssl/evp.h>

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/ssh_signature.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kMagic = "SSHSIG";
constexpr uint32_t kVersion = 1;
constexpr std::string_view kBegin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view kEnd = "-----END SSH SIGNATURE-----";
constexpr size_t kArmorColumns = 70;  // what ssh-keygen writes (PROTOCOL.sshsig says 76; ssh-keygen wins)
constexpr std::string_view kSignHash = "sha512";

const EVP_MD* hashByName(std::string_view name) {
  if (name == "sha256") return EVP_sha256();
  if (name == "sha512") return EVP_sha512();
  return nullptr;
}

Error unauthenticated(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

}  // namespace

Result<Bytes> sshsigSignedData(std::string_view ns, std::string_view hashAlg, std::span<const uint8_t> message) {
  if (ns.empty()) return makeError(ErrorCode::InvalidArgument, "the SSHSIG namespace must not be empty");
  const EVP_MD* md = hashByName(hashAlg);
  if (!md) {
    return makeError(ErrorCode::Unsupported, "SSHSIG hash algorithm '" + std::string(hashAlg) +
                                                 "' is not supported (expected sha256 or sha512)");
  }
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &len, md, nullptr) != 1) {
    return makeError(ErrorCode::CryptoFailure, "hashing the message for SSHSIG failed");
  }
  wire::Writer w;
  w.raw(asBytes(kMagic));
  w.cstring(ns);
  w.string(Bytes{});  // reserved
  w.cstring(hashAlg);
  w.string(std::span<const uint8_t>(digest, len));
  return std::move(w).take();
}

Result<Bytes> sshsigSign(const Signer& signer, std::string_view ns, std::span<const uint8_t> message) {
  SSHCA_ASSIGN_OR_RETURN(Bytes signedData, sshsigSignedData(ns, kSignHash, message));
  auto blob = makeSignatureBlob(signer, signedData);
  if (!blob.ok()) return std::move(blob).error().context("making an SSH signature (namespace " + std::string(ns) + ")");
  return encodeSshsig(Sshsig{signer.publicKey(), std::string(ns), std::string(kSignHash), std::move(*blob), {}});
}

Bytes encodeSshsig(const Sshsig& sig) {
  wire::Writer w;
  w.raw(asBytes(kMagic));
  w.u32(kVersion);
  w.string(encodePublicKeyWire(sig.key));
  w.cstring(sig.ns);
  w.string(sig.reserved);
  w.cstring(sig.hashAlg);
  w.string(sig.signatureBlob);
  return std::move(w).take();
}

Result<Sshsig> parseSshsig(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  auto magic = r.raw(kMagic.size());
  if (!magic.ok() || asString(*magic) != kMagic)
    return makeError(ErrorCode::InvalidFormat, "not an SSH signature: no SSHSIG magic");
  auto version = r.u32();
  if (!version.ok()) return makeError(ErrorCode::InvalidFormat, "SSH signature is truncated after its magic");
  if (*version != kVersion) {
    return makeError(ErrorCode::Unsupported,
                     "SSH signature version " + std::to_string(*version) + " is not supported (expected 1)");
  }
  auto keyBlob = r.string();
  if (!keyBlob.ok()) return std::move(keyBlob).error().context("SSH signature public key");
  auto key = parsePublicKeyWire(*keyBlob);
  if (!key.ok()) return std::move(key).error().context("SSH signature public key");
  auto ns = r.cstring();
  auto reserved = r.string();  // ignored, as PROTOCOL.sshsig says
  auto hashAlg = r.cstring();
  auto signature = r.string();
  if (!ns.ok() || !reserved.ok() || !hashAlg.ok() || !signature.ok()) {
    return makeError(ErrorCode::InvalidFormat, "SSH signature is truncated or has a malformed field");
  }
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  if (ns->empty()) return makeError(ErrorCode::InvalidFormat, "SSH signature has an empty namespace");
  return Sshsig{std::move(*key), std::move(*ns), std::move(*hashAlg), Bytes(signature->begin(), signature->end()),
                Bytes(reserved->begin(), reserved->end())};
}

std::string armorSshsig(std::span<const uint8_t> blob) {
  std::string b64 = base64Encode(blob);
  std::string out = std::string(kBegin) + "\n";
  for (size_t i = 0; i < b64.size(); i += kArmorColumns) out += b64.substr(i, kArmorColumns) + "\n";
  return out + std::string(kEnd) + "\n";
}

Result<Bytes> dearmorSshsig(std::string_view text) {
  if (!text.starts_with(kBegin)) {
    return makeError(ErrorCode::InvalidFormat, "SSH signature does not start with \"" + std::string(kBegin) + "\"");
  }
  text.remove_prefix(kBegin.size());
  size_t end = text.find(kEnd);
  if (end == std::string_view::npos) {
    return makeError(ErrorCode::InvalidFormat, "SSH signature has no \"" + std::string(kEnd) + "\" line");
  }
  if (text.substr(end + kEnd.size()).find_first_not_of("\r\n") != std::string_view::npos) {
    return makeError(ErrorCode::InvalidFormat, "SSH signature has data after its end line");
  }
  std::string b64;
  for (char c : text.substr(0, end)) {
    if (c != '\n' && c != '\r') b64 += c;
  }
  auto blob = base64Decode(b64);
  if (!blob.ok()) return std::move(blob).error().context("SSH signature armour");
  return blob;
}

Result<PublicKey> sshsigVerify(std::span<const uint8_t> blob, std::string_view ns, std::span<const uint8_t> message) {
  SSHCA_ASSIGN_OR_RETURN(Sshsig sig, parseSshsig(blob));
  if (sig.ns != ns) {
    return unauthenticated("SSH signature is for namespace '" + sig.ns + "', expected '" + std::string(ns) + "'");
  }
  if (!hashByName(sig.hashAlg)) {
    return unauthenticated("SSH signature hash '" + sig.hashAlg + "' is not sha256 or sha512");
  }
  SSHCA_ASSIGN_OR_RETURN(Bytes signedData, sshsigSignedData(sig.ns, sig.hashAlg, message));
  auto st = verifySignatureBlob(sig.key, signedData, sig.signatureBlob);
  if (!st.ok()) {
    return unauthenticated("SSH signature by " + fingerprintSha256(sig.key) +
                           " does not verify: " + st.error().message);
  }
  return sig.key;
}

}  // namespace sshca::ssh
