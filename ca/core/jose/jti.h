// Token ids: the "jti" claim (RFC 7519 §4.1.7) of one-time tokens, the key
// the replay store remembers. step clients make 256 random bits as hex
// (docs/protocol/tokens.md); sshca does the same.
#pragma once

#include <string>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"

namespace sshca::jose {

// 64 lower-case hex characters. Fails only if `random` fails.
Result<std::string> newJti(RandomSource& random);

}  // namespace sshca::jose
