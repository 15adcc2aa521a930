// The CA's KRL from its database: for each CA key, the serials of its
// revoked certificates that have not expired yet (an expired certificate
// is refused by sshd anyway, so the list stays short).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/krl.h"
#include "ca/service/store/ssh_certificate_store.h"

namespace sshca::authority {

struct KrlCaKey {
  PublicKey key;
  std::string fingerprint;  // ssh::fingerprintSha256(key): the store's CA column
};

// krl_version `version`, generated at `now`. Unavailable when the
// database cannot be read.
Result<ssh::Krl> buildKrl(store::SshCertificateStore& store, const std::vector<KrlCaKey>& cas, uint64_t version,
                          int64_t now);

}  // namespace sshca::authority
