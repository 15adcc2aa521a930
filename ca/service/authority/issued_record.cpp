#include "ca/service/authority/issued_record.h"

#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::authority {

store::SshCertificateRecord makeIssuedRecord(const ssh::Certificate& cert, const std::string& caFingerprint,
                                             const policy::Identity& who, int64_t now) {
  store::SshCertificateRecord r;
  r.serial = cert.serial;
  r.caFingerprint = caFingerprint;
  r.certType = cert.type == ssh::CertType::User ? "user" : "host";
  r.keyId = cert.keyId;
  r.principals = cert.principals;
  r.validAfter = cert.validAfter;
  r.validBefore = cert.validBefore;
  r.keyFingerprint = ssh::fingerprintSha256(cert.key);
  r.provisioner = who.provisioner;
  r.subject = who.subject;
  r.certificate = cert.wire;
  r.issuedAt = now;
  return r;
}

store::TokenUse makeTokenUse(const policy::Identity& who, int64_t now) {
  return store::TokenUse{who.tokenId, who.tokenScope.empty() ? who.provisioner : who.tokenScope, who.tokenUsableUntil,
                         now};
}

}  // namespace sshca::authority
