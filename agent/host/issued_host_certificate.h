// The check of a host certificate the CA returned, before it replaces the
// working one on disk (enroll, renew, rekey).
#pragma once

#include <cstdint>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

// What the CA answered must be a host certificate for `key`, signed by one
// of the pinned host CA keys, and valid at `now` (seconds since the epoch;
// its start may be up to 5 minutes ahead, for clock skew): anything else is
// never written to disk, so a working certificate is never replaced by one
// that clients would refuse (a CA whose clock runs days ahead, say).
Status checkIssuedHostCertificate(const ssh::Certificate& cert, const PublicKey& key,
                                  const std::vector<PublicKey>& hostCaKeys, uint64_t now);

}  // namespace sshca::agent
