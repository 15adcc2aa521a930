#include "ca/core/kms/pkcs11/token_connection.h"

#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/pkcs11_objects.h"
#include "ca/core/kms/pkcs11/pkcs11_public_key.h"
#include "ca/core/kms/pkcs11/session_key_copy.h"
#include "ca/core/kms/pkcs11/slot_finder.h"

namespace sshca::pkcs11 {
namespace {

Reconnect retry(Error e) { return Reconnect{std::nullopt, std::move(e), false}; }
Reconnect giveUp(Error e) { return Reconnect{std::nullopt, std::move(e), true}; }

// The slot holding the token with this label and serial, if present.
Result<CK_SLOT_ID> findSlot(const Module& module, const TokenIdentity& token) {
  SSHCA_ASSIGN_OR_RETURN(auto tokens, listTokens(module));
  for (const auto& t : tokens) {
    if (SSHCA_TOKEN_FIELD(t.info, label) == token.label && SSHCA_TOKEN_FIELD(t.info, serialNumber) == token.serial)
      return t.slot;
  }
  return makeError(ErrorCode::Unavailable, "token '" + token.label + "' (serial " + token.serial + ") is not present");
}

bool refusedLogin(ErrorCode code) {
  return code == ErrorCode::PinIncorrect || code == ErrorCode::PinLocked || code == ErrorCode::PermissionDenied;
}

}  // namespace

Result<CK_OBJECT_HANDLE> findBoundKey(const Session& s, const BoundKey& key) {
  SSHCA_ASSIGN_OR_RETURN(auto found, findByRef(s, key.ref, CKO_PRIVATE_KEY));
  // Named by label only: these reasons are shown by /health.
  const std::string name = "'" + (key.ref.label.empty() ? std::string("(by id)") : key.ref.label) + "'";
  if (found.empty()) return makeError(ErrorCode::NotFound, "the key " + name + " is not on the token");
  if (found.size() > 1) return makeError(ErrorCode::PermissionDenied, "several keys are named " + name + " now");
  SSHCA_ASSIGN_OR_RETURN(PublicKey now, publicKeyOfPrivate(s, found.front()));
  if (!(now == key.publicKey))
    return makeError(ErrorCode::PermissionDenied, "the key " + name +
                                                      " on the token is not the key sshca started with "
                                                      "(another key under that name); not signing with it");
  return found.front();
}

Reconnect reconnect(const ModulePtr& module, const TokenIdentity& token, const SecretBytes* pin,
                    const LoginOptions& options, const std::vector<BoundKey>& keys) {
  auto slot = findSlot(*module, token);
  if (!slot.ok()) return retry(std::move(slot).error());
  auto session = Session::open(module, *slot, false);
  if (!session.ok()) return retry(std::move(session).error().context("opening a session"));
  Connection c;
  c.slot = *slot;
  c.loginSession = std::make_shared<Session>(std::move(session).value());
  if (pin) {
    // One C_Login per attempt at most; a refused PIN ends the attempts.
    auto ours = login(*c.loginSession, c.slot, *pin, options);
    if (!ours.ok()) {
      Error e = std::move(ours).error().context("logging in again");
      return refusedLogin(e.code) ? giveUp(std::move(e)) : retry(std::move(e));
    }
    if (*ours) c.login = std::make_shared<LoginGuard>(c.loginSession);
  }
  for (const BoundKey& key : keys) {
    auto handle = findBoundKey(*c.loginSession, key);
    if (!handle.ok()) {
      Error e = std::move(handle).error();
      return e.code == ErrorCode::PermissionDenied ? giveUp(std::move(e)) : retry(std::move(e));
    }
    c.keys.push_back(*handle);
    c.signingKeys.push_back(keyForSigning(*c.loginSession, *handle));
  }
  return Reconnect{std::move(c), Error{ErrorCode::Unavailable, ""}, false};
}

}  // namespace sshca::pkcs11
