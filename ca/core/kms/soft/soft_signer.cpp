#include "ca/core/kms/soft/soft_signer.h"

#include <memory>

#include <openssl/pem.h>

#include "ca/core/common/file_io.h"
#include "ca/core/common/secret.h"
#include "ca/core/keys/signature.h"
#include "ca/core/ssh/openssh_private_key.h"

namespace sshca {
namespace {

class SoftSigner final : public Signer {
 public:
  SoftSigner(ossl::EvpPkey key, PublicKey pub, std::string description)
      : key_(std::move(key)), pub_(std::move(pub)), description_(std::move(description)) {}

  const PublicKey& publicKey() const override { return pub_; }
  std::string description() const override { return description_; }

  // EVP_PKEY is only read here; each call has its own EVP_MD_CTX, so
  // concurrent calls are safe.
  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override {
    SSHCA_ASSIGN_OR_RETURN(Bytes sig, signRawWithEvp(key_.get(), pub_.algorithm(), data, hash));
    if (auto st = verifyRawSignature(pub_, data, hash, sig); !st.ok())
      return std::move(st).error().context("signature from " + description_ + " does not verify");
    return sig;
  }

 private:
  ossl::EvpPkey key_;
  PublicKey pub_;
  std::string description_;
};

Result<SignerPtr> makeSigner(ossl::EvpPkey key, std::string description) {
  if (!key) return makeError(ErrorCode::InvalidArgument, "no private key");
  auto pub = PublicKey::fromEvp(key.get());
  if (!pub.ok()) return std::move(pub).error().context(description);
  return SignerPtr(std::make_shared<SoftSigner>(std::move(key), std::move(*pub), std::move(description)));
}

// Never prompts: an encrypted PEM key fails instead of reading a terminal.
int noPassphrase(char*, int, int, void*) { return -1; }

Result<ossl::EvpPkey> parsePem(const SecretBytes& text) {
  ossl::ErrorQueueGuard guard;
  ossl::Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) return ossl::error("BIO_new_mem_buf");
  ossl::EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
  if (!key) {
    if (text.view().find("ENCRYPTED") != std::string_view::npos)
      return makeError(ErrorCode::Unsupported, "encrypted PEM private keys are not supported");
    return ossl::error("reading PEM private key");
  }
  return key;
}

}  // namespace

Result<SignerPtr> softSignerFromEvp(ossl::EvpPkey key) { return makeSigner(std::move(key), "memory"); }

Result<SignerPtr> loadSoftSigner(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(SecretBytes text, readSecretFile(path, kMaxPrivateKeyFileBytes, "key file"));
  auto key = ssh::isOpenSshPrivateKey(text.view()) ? ssh::parseOpenSshPrivateKey(text.view()) : parsePem(text);
  if (!key.ok()) return std::move(key).error().context(path);
  return makeSigner(std::move(*key), "file:" + path);
}

}  // namespace sshca
