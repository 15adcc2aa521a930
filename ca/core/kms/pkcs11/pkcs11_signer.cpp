#include "ca/core/kms/pkcs11/pkcs11_signer.h"

#include "ca/core/keys/signature.h"
#include "ca/core/kms/pkcs11/signing_input.h"

namespace sshca::pkcs11 {
namespace {

// Large enough for RSA-4096 (512 bytes) in one C_Sign call, so no
// length query round trip is needed.
constexpr size_t kMaxSignature = 1024;

class Pkcs11Signer final : public Signer {
 public:
  Pkcs11Signer(TokenPtr token, size_t key, PublicKey pk, std::string description)
      : token_(std::move(token)), key_(key), pk_(std::move(pk)), description_(std::move(description)) {}

  const PublicKey& publicKey() const override { return pk_; }
  std::string description() const override { return description_; }

  Status ready(std::chrono::milliseconds budget) const override {
    TokenHealth h = token_->health(budget);
    if (!h.ok()) return makeError(ErrorCode::Unavailable, h.reason);
    return okStatus();
  }

  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override {
    SSHCA_ASSIGN_OR_RETURN(SigningInput in, signingInput(pk_.algorithm(), data, hash));
    SSHCA_ASSIGN_OR_RETURN(Bytes sig, signOnToken(in));
    auto verified = verifyRawSignature(pk_, data, hash, sig);
    if (!verified.ok())
      return makeError(ErrorCode::CryptoFailure,
                       description_ + ": the token returned a signature that does not verify; not using it");
    return sig;
  }

 private:
  Result<Bytes> signOnToken(SigningInput& in) const {
    auto leased = token_->lease(key_);
    if (!leased.ok()) return std::move(leased).error().context(description_);
    PooledSession& s = leased->session;
    CK_MECHANISM mech{in.mechanism, nullptr, 0};
    CK_RV rv = s->fn()->C_SignInit(s->handle(), &mech, leased->key);
    if (rv != CKR_OK) return failed(s, "C_SignInit", rv);
    Bytes sig(kMaxSignature);
    CK_ULONG n = sig.size();
    rv = s->fn()->C_Sign(s->handle(), in.data.data(), in.data.size(), sig.data(), &n);
    if (rv != CKR_OK) return failed(s, "C_Sign", rv);
    sig.resize(n);
    return sig;
  }

  // A session that saw an error may hold a half-done operation or be dead:
  // it is closed rather than returned to the pool, and a token that went
  // away is looked for again (Token::failed).
  Error failed(PooledSession& s, const char* function, CK_RV rv) const {
    return token_->failed(s, function, rv).context(description_);
  }

  TokenPtr token_;
  size_t key_;
  PublicKey pk_;
  std::string description_;
};

}  // namespace

Result<SignerPtr> makeSigner(TokenPtr token, size_t key, PublicKey publicKey, std::string description) {
  return SignerPtr(std::make_shared<Pkcs11Signer>(std::move(token), key, std::move(publicKey), std::move(description)));
}

}  // namespace sshca::pkcs11
