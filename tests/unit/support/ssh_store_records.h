// Sample SSH certificate records and token uses for the store tests: every
// field set, with the values a store could get wrong (NUL and non-UTF-8
// bytes in the certificate, quotes and commas in principals).
#pragma once

#include <cstdint>
#include <string>

#include "ca/service/store/ssh_certificate_record.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::test {

inline constexpr const char* kUserCa = "SHA256:userCAuserCAuserCAuserCAuserCAuserCAuserC";
inline constexpr const char* kHostCa = "SHA256:hostCAhostCAhostCAhostCAhostCAhostCAhostC";
inline constexpr const char* kSampleKeyId = "alice@example.com via oidc";

inline store::SshCertificateRecord sshRecord(uint64_t serial, std::string ca = kUserCa,
                                             uint64_t validBefore = 4000000000) {
  store::SshCertificateRecord r;
  r.serial = serial;
  r.caFingerprint = std::move(ca);
  r.certType = "user";
  r.keyId = kSampleKeyId;
  r.principals = {"alice", "admin,ops", "quote\"back\\slash"};
  r.validAfter = 1700000000;
  r.validBefore = validBefore;
  r.keyFingerprint = "SHA256:keykeykeykeykeykeykeykeykeykeykeykeykeykey";
  r.provisioner = "oidc";
  r.subject = "alice@example.com";
  r.certificate = {0x00, 0x00, 0x00, 0x1c, 's', 's', 'h', 0x00, 0xff, 0x80, 0x00};
  r.issuedAt = 1700000100;
  return r;
}

// A token of provisioner "jwk", used at 1700000000.
inline store::TokenUse tokenUse(std::string id, int64_t expiresAt = 2000000000) {
  return {std::move(id), "jwk", expiresAt, 1700000000};
}

}  // namespace sshca::test
