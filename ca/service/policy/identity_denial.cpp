#include "ca/service/policy/identity_denial.h"

#include <algorithm>

#include "ca/core/common/ascii_case.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::policy {

namespace {

void addOnce(std::vector<store::DenyKey>& keys, const char* kind, const std::string& value) {
  if (value.empty()) return;
  store::DenyKey key{kind, value};
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
}

}  // namespace

std::vector<store::DenyKey> denyKeysFor(const Identity& who, const std::string& keyId, const PublicKey& key) {
  std::vector<store::DenyKey> keys;
  addOnce(keys, store::kDenySubject, who.subject);
  addOnce(keys, store::kDenySubject, who.sub);
  addOnce(keys, store::kDenyEmail, asciiLower(who.email));
  // An OIDC subject is the email when the identity provider gave one.
  if (who.subject.find('@') != std::string::npos) addOnce(keys, store::kDenyEmail, asciiLower(who.subject));
  addOnce(keys, store::kDenyKeyId, keyId);
  addOnce(keys, store::kDenyKeyFingerprint, ssh::fingerprintSha256(key));
  return keys;
}

Status refuseIfDenied(const std::vector<store::DeniedIdentity>& found) {
  if (found.empty()) return okStatus();
  const store::DeniedIdentity& d = found.front();
  return makeError(ErrorCode::PermissionDenied,
                   "the " + d.key.kind + " \"" + d.key.value + "\" is denied by this CA (" + d.reason + ")");
}

Result<store::DenyKey> normalizedDenyKey(const std::string& kind, const std::string& value) {
  if (value.empty()) return makeError(ErrorCode::InvalidArgument, "a denied " + kind + " must not be empty");
  if (kind == store::kDenyEmail) return store::DenyKey{kind, asciiLower(value)};
  if (kind == store::kDenySubject || kind == store::kDenyKeyId || kind == store::kDenyKeyFingerprint)
    return store::DenyKey{kind, value};
  return makeError(ErrorCode::InvalidArgument, "unknown kind of denial: " + kind);
}

}  // namespace sshca::policy
