// POST /ssh/sign as the API parsed it -> what policy judges. The request
// may only narrow what the identity allows; policy enforces that, this
// only translates (the certificate type defaults to the credential's, the
// validity strings become times).
#pragma once

#include <cstdint>

#include "ca/core/common/result.h"
#include "ca/service/api/authority_api.h"
#include "ca/service/policy/identity.h"
#include "ca/service/policy/ssh_policy.h"

namespace sshca::authority {

// Strict parse of the posted key plus the subject-key rules (no DSA, RSA
// of at least 2048 bits): Unsupported / InvalidFormat, both 400.
Result<PublicKey> parseSubjectKey(const Bytes& wire);

// InvalidArgument for validity strings that are not times or durations.
Result<policy::SshSignRequest> toPolicyRequest(const api::SignSshRequest& request, PublicKey key,
                                               const policy::Identity& who, int64_t now);

}  // namespace sshca::authority
