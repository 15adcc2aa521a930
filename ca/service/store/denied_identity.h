// An identity the CA refuses to issue to (offboarding: `sshca deny add`),
// whatever its credential still proves. Kept in the database, so that every
// CA instance sharing it refuses alike.
#pragma once

#include <cstdint>
#include <string>

namespace sshca::store {

// What a denial names. The values policy compares are in
// ca/service/policy/identity_denial.h.
inline constexpr const char* kDenySubject = "subject";     // the provisioner's subject, or an OIDC "sub"
inline constexpr const char* kDenyEmail = "email";         // an OIDC email, compared in lower case
inline constexpr const char* kDenyKeyId = "key-id";        // the certificate key ID, exactly
inline constexpr const char* kDenyKeyFingerprint = "key";  // "SHA256:..." of the certified public key

struct DenyKey {
  std::string kind;  // one of the kDeny* names
  std::string value;
  bool operator==(const DenyKey&) const = default;
};

struct DeniedIdentity {
  DenyKey key;
  std::string reason;
  int64_t addedAt = 0;
};

}  // namespace sshca::store
