// Which issued SSH certificates to list (`sshca cert list`, `cert show`,
// `deny add --revoke`): every field left unset matches every record, and
// the set fields must all match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace sshca::store {

struct SshCertificateQuery {
  std::optional<uint64_t> serial;        // of any CA key
  std::optional<std::string> certType;   // "user" or "host"
  std::optional<std::string> principal;  // one of the certificate's principals
  std::optional<std::string> keyId;
  std::optional<std::string> subject;
  std::optional<std::string> provisioner;
  std::optional<std::string> keyFingerprint;  // "SHA256:..." of the certified key
  std::optional<bool> revoked;
  // Still valid at this time (valid_before after it): not expired yet.
  std::optional<int64_t> unexpiredAt;
  // Expiring at or before this time (valid_before at most it).
  std::optional<int64_t> expiringBy;
  size_t limit = 0;  // at most this many, oldest first; 0: no limit
};

}  // namespace sshca::store
