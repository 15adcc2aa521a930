// Directories and files that hold secrets: created with their final modes
// from the start (never world-readable, not even for a moment).
#pragma once

#include <sys/types.h>

#include <string>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::setup {

// mkdir with `mode` (umask aside: chmod'ed to exactly `mode`); an existing
// directory is accepted and its mode set.
Status makeDirectory(const std::string& path, mode_t mode);

// `bytes` random bytes as lower-case hex (2*bytes characters): PINs that
// every token accepts and that survive being typed or pasted.
Result<SecretBytes> randomHexSecret(RandomSource& rng, size_t bytes);

// Written atomically with mode 0600; "\n"-terminated text stays as given.
Status writeSecretFile(const std::string& path, const SecretBytes& content);

}  // namespace sshca::setup
