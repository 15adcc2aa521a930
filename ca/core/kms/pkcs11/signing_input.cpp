#include "ca/core/kms/pkcs11/signing_input.h"

#include "ca/core/common/ossl.h"
#include "ca/core/keys/signature.h"

namespace sshca::pkcs11 {
namespace {

// DER of DigestInfo up to the digest (RFC 8017 §9.2, note 1).
const Bytes kSha256Prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                             0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
const Bytes kSha384Prefix = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                             0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
const Bytes kSha512Prefix = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                             0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

const Bytes& digestInfoPrefix(HashAlg hash) {
  switch (hash) {
    case HashAlg::Sha384:
      return kSha384Prefix;
    case HashAlg::Sha512:
      return kSha512Prefix;
    default:
      return kSha256Prefix;
  }
}

Result<Bytes> digest(std::span<const uint8_t> message, HashAlg hash) {
  const EVP_MD* md = evpDigest(hash);
  if (!md) return makeError(ErrorCode::InvalidArgument, "ECDSA and RSA signatures need a hash");
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  if (!EVP_Digest(message.data(), message.size(), out.data(), &n, md, nullptr)) return ossl::error("hashing");
  out.resize(n);
  return out;
}

}  // namespace

Result<SigningInput> signingInput(KeyAlgorithm alg, std::span<const uint8_t> message, HashAlg hash) {
  switch (alg) {
    case KeyAlgorithm::Ed25519:
      if (hash != HashAlg::None) return makeError(ErrorCode::InvalidArgument, "Ed25519 signs the message, not a hash");
      return SigningInput{CKM_EDDSA, Bytes(message.begin(), message.end())};
    case KeyAlgorithm::Rsa: {
      SSHCA_ASSIGN_OR_RETURN(Bytes d, digest(message, hash));
      Bytes in = digestInfoPrefix(hash);
      in.insert(in.end(), d.begin(), d.end());
      return SigningInput{CKM_RSA_PKCS, std::move(in)};
    }
    default: {
      SSHCA_ASSIGN_OR_RETURN(Bytes d, digest(message, hash));
      return SigningInput{CKM_ECDSA, std::move(d)};
    }
  }
}

}  // namespace sshca::pkcs11
