// SSH signature encodings: RFC 8709 §6 (Ed25519), RFC 5656 §3.1.2 (ECDSA),
// RFC 8332 §3 (RSA with SHA-2).
#include "ca/core/ssh/ssh_signature.h"

#include "ca/core/keys/signature.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr size_t kEd25519SigLen = 64;

size_t rsaModulusBytes(const PublicKey& key) { return static_cast<size_t>(key.bits() + 7) / 8; }

Status checkRawSize(const PublicKey& key, std::span<const uint8_t> raw) {
  size_t want = 0;
  switch (key.algorithm()) {
    case KeyAlgorithm::Ed25519:
      want = kEd25519SigLen;
      break;
    case KeyAlgorithm::Rsa:
      want = rsaModulusBytes(key);
      break;
    default:
      want = 2 * ecdsaFieldBytes(key.algorithm());
  }
  if (raw.size() != want)
    return makeError(ErrorCode::CryptoFailure, "signer returned " + std::to_string(raw.size()) + " bytes where " +
                                                   signatureAlgorithmFor(key) + " needs " + std::to_string(want));
  return okStatus();
}

// RFC 5656 §3.1.2: r and s as mpints, converted to the raw r||s form.
Result<Bytes> ecdsaBlobToRaw(const PublicKey& key, std::span<const uint8_t> blob) {
  size_t field = ecdsaFieldBytes(key.algorithm());
  wire::Reader r(blob);
  SSHCA_ASSIGN_OR_RETURN(auto sr, r.mpint());
  SSHCA_ASSIGN_OR_RETURN(auto ss, r.mpint());
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  if (sr.empty() || ss.empty() || sr.size() > field || ss.size() > field)
    return makeError(ErrorCode::CryptoFailure, "ECDSA signature values are out of range");
  Bytes raw(2 * field, 0);
  std::copy(sr.begin(), sr.end(), raw.begin() + static_cast<long>(field - sr.size()));
  std::copy(ss.begin(), ss.end(), raw.end() - static_cast<long>(ss.size()));
  return raw;
}

// RFC 8332 §3: the algorithm name picks the hash; ssh-rsa would be SHA-1.
Result<HashAlg> rsaHashOf(std::string_view alg) {
  if (alg == "rsa-sha2-512") return HashAlg::Sha512;
  if (alg == "rsa-sha2-256") return HashAlg::Sha256;
  if (alg == "ssh-rsa") return makeError(ErrorCode::Unsupported, "ssh-rsa (SHA-1) signatures are refused");
  return makeError(ErrorCode::CryptoFailure, "signature algorithm '" + std::string(alg) + "' does not fit an RSA key");
}

// OpenSSH accepts RSA signatures shorter than the modulus; restore the
// modulus-sized PKCS#1 form.
Result<Bytes> rsaBlobToRaw(const PublicKey& key, std::span<const uint8_t> blob) {
  size_t len = rsaModulusBytes(key);
  if (blob.empty() || blob.size() > len)
    return makeError(ErrorCode::CryptoFailure, "RSA signature is longer than the modulus");
  Bytes raw(len - blob.size(), 0);
  raw.insert(raw.end(), blob.begin(), blob.end());
  return raw;
}

}  // namespace

std::string signatureAlgorithmFor(const PublicKey& key) {
  return key.algorithm() == KeyAlgorithm::Rsa ? "rsa-sha2-512" : keyTypeName(key);
}

HashAlg hashFor(const PublicKey& key) {
  switch (key.algorithm()) {
    case KeyAlgorithm::Ed25519:
      return HashAlg::None;
    case KeyAlgorithm::EcdsaP256:
      return HashAlg::Sha256;
    case KeyAlgorithm::EcdsaP384:
      return HashAlg::Sha384;
    case KeyAlgorithm::EcdsaP521:
      return HashAlg::Sha512;
    case KeyAlgorithm::Rsa:
      return HashAlg::Sha512;
  }
  return HashAlg::Sha512;
}

Result<Bytes> encodeSignatureBlob(const PublicKey& key, std::span<const uint8_t> raw) {
  SSHCA_RETURN_IF_ERROR(checkRawSize(key, raw));
  wire::Writer w;
  w.cstring(signatureAlgorithmFor(key));
  if (size_t field = ecdsaFieldBytes(key.algorithm())) {
    wire::Writer inner;
    inner.mpint(raw.first(field));
    inner.mpint(raw.subspan(field));
    w.nested(inner);
  } else {
    w.string(raw);
  }
  return std::move(w).take();
}

Result<Bytes> makeSignatureBlob(const Signer& signer, std::span<const uint8_t> data) {
  const PublicKey& key = signer.publicKey();
  auto raw = signer.sign(data, hashFor(key));
  if (!raw.ok()) return std::move(raw).error().context("signing with " + signer.description());
  return encodeSignatureBlob(key, *raw);
}

Result<std::string> signatureBlobAlgorithm(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  SSHCA_ASSIGN_OR_RETURN(std::string alg, r.cstring());
  if (!r.string().ok()) return makeError(ErrorCode::InvalidFormat, "signature blob has no signature");
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  return alg;
}

Status verifySignatureBlob(const PublicKey& key, std::span<const uint8_t> data, std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  SSHCA_ASSIGN_OR_RETURN(std::string alg, r.cstring());
  SSHCA_ASSIGN_OR_RETURN(auto sig, r.string());
  SSHCA_RETURN_IF_ERROR(r.expectEnd());
  HashAlg hash = hashFor(key);
  Bytes raw;
  if (key.algorithm() == KeyAlgorithm::Rsa) {
    SSHCA_ASSIGN_OR_RETURN(hash, rsaHashOf(alg));
    SSHCA_ASSIGN_OR_RETURN(raw, rsaBlobToRaw(key, sig));
  } else if (alg != keyTypeName(key)) {
    return makeError(ErrorCode::CryptoFailure,
                     "signature algorithm '" + alg + "' does not match the " + keyTypeName(key) + " key");
  } else if (key.algorithm() == KeyAlgorithm::Ed25519) {
    if (sig.size() != kEd25519SigLen) return makeError(ErrorCode::CryptoFailure, "Ed25519 signature is not 64 bytes");
    raw.assign(sig.begin(), sig.end());
  } else {
    SSHCA_ASSIGN_OR_RETURN(raw, ecdsaBlobToRaw(key, sig));
  }
  return verifyRawSignature(key, data, hash, raw);
}

}  // namespace sshca::ssh
