#include "ca/core/kms/pkcs11/pkcs11_kms.h"

#include "ca/core/common/random.h"
#include "ca/core/kms/pkcs11/key_generation.h"
#include "ca/core/kms/pkcs11/key_import.h"
#include "ca/core/kms/pkcs11/pkcs11_objects.h"
#include "ca/core/kms/pkcs11/pkcs11_public_key.h"
#include "ca/core/kms/pkcs11/pkcs11_signer.h"
#include "ca/core/kms/pkcs11/pkcs11_token.h"
#include "ca/core/kms/pkcs11/slot_finder.h"

namespace sshca {
namespace {

using namespace pkcs11;

constexpr size_t kIdBytes = 8;

class Pkcs11KeyManager final : public KeyManager {
 public:
  Pkcs11KeyManager(TokenPtr token, bool loggedIn) : token_(std::move(token)), loggedIn_(loggedIn) {}

  Result<PublicKey> createKey(const KeyRef& ref, const KeySpec& spec) override {
    SSHCA_RETURN_IF_ERROR(requireLogin("creating a key"));
    SSHCA_ASSIGN_OR_RETURN(KeyRef named, freshName(ref));
    SSHCA_ASSIGN_OR_RETURN(Session s, token_->writeSession());
    SSHCA_ASSIGN_OR_RETURN(KeyPairHandles h, generateKeyPair(s, named, spec));
    return readPublicKey(s, h.publicKey);
  }

  Result<PublicKey> importKey(const KeyRef& ref, EVP_PKEY* privateKey) override {
    SSHCA_RETURN_IF_ERROR(requireLogin("importing a key"));
    SSHCA_ASSIGN_OR_RETURN(KeyRef named, freshName(ref));
    SSHCA_ASSIGN_OR_RETURN(Session s, token_->writeSession());
    return importKeyPair(s, named, privateKey);
  }

  Result<std::vector<KeyInfo>> listKeys() override {
    SSHCA_RETURN_IF_ERROR(requireLogin("listing keys"));
    SSHCA_ASSIGN_OR_RETURN(PooledSession s, token_->session());
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[] = {attr(CKA_CLASS, cls)};
    SSHCA_ASSIGN_OR_RETURN(auto handles, findObjects(*s, tmpl));
    std::vector<KeyInfo> out;
    for (CK_OBJECT_HANDLE h : handles) {
      // A key sshca cannot use (other type, no public half) is skipped, so
      // that one odd object never hides the others.
      if (auto info = keyInfo(*s, h); info.ok()) out.push_back(std::move(*info));
    }
    return out;
  }

  // Logged in, through the private key: the lookup also proves the login
  // holds (the /health probe). Without login private objects are invisible,
  // so the public key object with the ref's label/id is read instead.
  Result<PublicKey> publicKey(const KeyRef& ref) override {
    SSHCA_ASSIGN_OR_RETURN(PooledSession s, token_->session());
    if (!loggedIn_) {
      SSHCA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE pub, findKey(*s, ref, CKO_PUBLIC_KEY));
      return readPublicKey(*s, pub);
    }
    SSHCA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE h, findKey(*s, ref, CKO_PRIVATE_KEY));
    return publicKeyOfPrivate(*s, h);
  }

  Result<SignerPtr> createSigner(const KeyRef& ref) override {
    SSHCA_RETURN_IF_ERROR(requireLogin("signing"));
    SSHCA_ASSIGN_OR_RETURN(PooledSession s, token_->session());
    SSHCA_ASSIGN_OR_RETURN(CK_OBJECT_HANDLE h, findKey(*s, ref, CKO_PRIVATE_KEY));
    SSHCA_ASSIGN_OR_RETURN(PublicKey pk, publicKeyOfPrivate(*s, h));
    size_t bound = token_->bindKey(ref, h, pk);
    return makeSigner(token_, bound, std::move(pk), describe(ref));
  }

 private:
  std::string describe(const KeyRef& ref) const {
    std::string uri = ref.toUri();  // "pkcs11:object=..."
    return "pkcs11:token=" + token_->label() + ";" + uri.substr(uri.find(':') + 1);
  }

  // The ref with an id (random when not given), refused if taken.
  Result<KeyRef> freshName(const KeyRef& ref) {
    if (ref.label.empty()) return makeError(ErrorCode::InvalidArgument, "a new key needs a label (object=)");
    KeyRef named = ref;
    if (named.id.empty()) { SSHCA_ASSIGN_OR_RETURN(named.id, systemRandom().bytes(kIdBytes)); }
    SSHCA_ASSIGN_OR_RETURN(PooledSession s, token_->session());
    SSHCA_ASSIGN_OR_RETURN(bool taken, labelOrIdTaken(*s, named));
    if (taken)
      return makeError(ErrorCode::AlreadyExists, "token '" + token_->label() + "' already holds an object named " +
                                                     ref.toUri() + "; refusing to overwrite it");
    return named;
  }

  Status requireLogin(const std::string& what) const {
    if (loggedIn_) return okStatus();
    return makeError(ErrorCode::PermissionDenied,
                     what + " needs a login, and token '" + token_->label() + "' was opened without one");
  }

  // The one key object of class `cls` (private or public) the ref names.
  Result<CK_OBJECT_HANDLE> findKey(const Session& s, const KeyRef& ref, CK_OBJECT_CLASS cls) {
    const std::string what = cls == CKO_PRIVATE_KEY ? "private key" : "public key object";
    SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, ref, cls));
    if (found.empty())
      return makeError(ErrorCode::NotFound, "no " + what + " " + ref.toUri() + " on token '" + token_->label() + "'");
    if (found.size() > 1)
      return makeError(ErrorCode::InvalidArgument, "several " + what + "s match " + ref.toUri() + "; add id=");
    return found.front();
  }

  Result<KeyInfo> keyInfo(const Session& s, CK_OBJECT_HANDLE h) {
    SSHCA_ASSIGN_OR_RETURN(PublicKey pk, publicKeyOfPrivate(s, h));
    auto label = readAttribute(s, h, CKA_LABEL);
    auto id = readAttribute(s, h, CKA_ID);
    return KeyInfo{label.ok() ? std::string(asString(*label)) : "", id.ok() ? *id : Bytes{}, std::move(pk)};
  }

  TokenPtr token_;
  bool loggedIn_;
};

Status logIn(Token& token, const KmsUri& uri, const Pkcs11Options& opts) {
  SSHCA_ASSIGN_OR_RETURN(SecretBytes pin, resolvePin(uri));
  Status in = token.loginUser(pin, opts.allowFinalTry);
  if (!in.ok()) return std::move(in).error().context("logging in to token '" + token.label() + "'");
  return okStatus();
}

}  // namespace

Result<std::unique_ptr<KeyManager>> openPkcs11KeyManager(const KmsUri& uri, const Pkcs11Options& opts) {
  SSHCA_ASSIGN_OR_RETURN(ModulePtr module, Module::load(uri.modulePath));
  SSHCA_ASSIGN_OR_RETURN(SlotToken st, findToken(*module, uri));
  std::string label = SSHCA_TOKEN_FIELD(st.info, label);
  SSHCA_ASSIGN_OR_RETURN(TokenPtr token, Token::open(module, st.slot, label));
  token->setCapacity({opts.maxSessions, opts.sessionWait});
  if (opts.login) { SSHCA_RETURN_IF_ERROR(logIn(*token, uri, opts)); }
  return std::unique_ptr<KeyManager>(std::make_unique<Pkcs11KeyManager>(std::move(token), opts.login));
}

}  // namespace sshca
