// What the CA remembers about one SSH certificate it issued: the fields
// that revocation, the KRL and audits query, plus the certificate itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"

namespace sshca::store {

struct SshCertificateRecord {
  uint64_t serial = 0;
  std::string caFingerprint;  // "SHA256:..." of the signing CA key; serials are unique per CA
  std::string certType;       // "user" or "host"
  std::string keyId;
  std::vector<std::string> principals;
  uint64_t validAfter = 0;
  uint64_t validBefore = 0;    // UINT64_MAX is "forever" (draft-miller-ssh-cert)
  std::string keyFingerprint;  // "SHA256:..." of the certified key
  std::string provisioner;
  std::string subject;  // who asked, as the provisioner authenticated them
  Bytes certificate;    // the wire form, exactly as handed out
  int64_t issuedAt = 0;
  std::optional<int64_t> revokedAt;
  std::string revocationReason;
};

}  // namespace sshca::store
