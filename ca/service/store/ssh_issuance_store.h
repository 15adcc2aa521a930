// What the authority needs to issue an SSH certificate: the certificate
// record, the one-time tokens, and recording a certificate together with
// the token that paid for it, atomically.
#pragma once

#include "common/result.h"
#include "store/ssh_certificate_store.h"
#include "store/token_replay_store.h"

namespace sshca::store {

class SshIssuanceStore : public SshCertificateStore, public TokenReplayStore {
 public:
  // The token is marked used and the certificate recorded in one
  // transaction: both or neither. Replayed (and no certificate row) if the
  // token was used before; AlreadyExists (and the token still unused) if
  // the serial is taken. Durable when it returns.
  virtual Status recordIssued(const SshCertificateRecord& record, const TokenUse& token) = 0;
};

}  // namespace sshca::store
