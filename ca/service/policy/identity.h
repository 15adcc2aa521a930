// Who the caller is, as a provisioner established it. Provisioners say
// this and nothing else; what the caller may get is policy's decision.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/ssh/ssh_cert.h"

namespace sshca::policy {

struct Identity {
  std::string provisioner;  // name of the provisioner that authenticated the caller
  std::string subject;      // the authenticated name (token sub, email, host name)
  std::vector<std::string> groups;
  // Claims an identity provider vouched for (OIDC); policy::principalsFor
  // maps them to principals. `subject` is then the email (else sub).
  std::string sub;
  std::string email;
  bool emailVerified = false;
  std::string preferredUsername;
  std::string tokenId;  // one-time-use key (jti); empty if the credential is not one-time
  // Where tokenId is unique, for replay protection: empty means the
  // provisioner's name (its own tokens name it as issuer). OIDC sets
  // "oidc <issuer>": an ID token's issuer is outside the CA, and renaming
  // the provisioner must not make its spent tokens new.
  std::string tokenScope;
  // The token's exp plus its verifier's clock-skew leeway: until then a
  // replay would pass the time checks, so the spent token is kept that long.
  int64_t tokenUsableUntil = 0;
  // What the credential itself entitles the caller to: the certificate type
  // and principals named in an enrollment token, or derived from an ID token
  // by the provisioner's principal rules. Requests can only narrow these.
  ssh::CertType certType = ssh::CertType::User;
  std::vector<std::string> principals;
  // Validity bounds the credential carries (step.ssh validAfter/Before).
  std::optional<uint64_t> validAfter;
  std::optional<uint64_t> validBefore;
};

}  // namespace sshca::policy
