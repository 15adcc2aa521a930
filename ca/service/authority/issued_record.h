// The database row for a certificate the authority just signed: written
// in the same transaction as the token that paid for it, before the
// certificate leaves the process.
#pragma once

#include <cstdint>
#include <string>

#include "ca/core/ssh/ssh_cert.h"
#include "ca/service/policy/identity.h"
#include "ca/service/store/ssh_certificate_record.h"
#include "ca/service/store/token_replay_store.h"

namespace sshca::authority {

// `caFingerprint`: ssh::fingerprintSha256 of the signing CA key.
store::SshCertificateRecord makeIssuedRecord(const ssh::Certificate& cert, const std::string& caFingerprint,
                                             const policy::Identity& who, int64_t now);

// The use of the identity's one-time token, recorded with the certificate.
store::TokenUse makeTokenUse(const policy::Identity& who, int64_t now);

}  // namespace sshca::authority
