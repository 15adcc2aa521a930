// The one place that decides what an authenticated caller gets: turns an
// Identity plus a request into a certificate template, or a refusal that
// says why. Pure: time comes in as an argument.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/service/policy/identity.h"

namespace sshca::policy {

// Limits for one certificate type of one provisioner.
struct SshTypePolicy {
  uint64_t defaultValiditySeconds;
  uint64_t maxValiditySeconds;
  // Shell-style patterns (fnmatch, '*' and '?') every principal must match;
  // empty = any principal the credential carries.
  std::vector<std::string> allowedPrincipalPatterns;
  std::map<std::string, std::string> extensions;
  std::map<std::string, std::string> criticalOptions;
};

struct SshPolicy {
  SshTypePolicy user{16 * 3600, 24 * 3600, {}, ssh::defaultUserExtensions(), {}};
  SshTypePolicy host{30 * 86400, 30 * 86400, {}, {}, {}};
  uint64_t backdateSeconds = 5 * 60;  // clock skew; never more
};

// What the caller asked for (the body of POST /ssh/sign, parsed).
struct SshSignRequest {
  PublicKey key;  // already passed checkSubjectKey: the authority checks it before the token
  ssh::CertType certType = ssh::CertType::User;
  std::string keyId{};                    // must equal identity.subject when given
  std::vector<std::string> principals{};  // empty = everything the identity allows
  std::optional<uint64_t> validAfter{};
  std::optional<uint64_t> validBefore{};
};

// Refusals are PermissionDenied (policy) or InvalidArgument (malformed).
// The returned template still goes through ssh::validateTemplate when signed.
Result<ssh::CertTemplate> applySshPolicy(const Identity& who, const SshSignRequest& req, const SshPolicy& policy,
                                         uint64_t now);

// The key ID recorded in certificates: who asked and through which
// provisioner, e.g. "alice@example.com (oidc:corp)".
std::string certificateKeyId(const Identity& who);

}  // namespace sshca::policy
