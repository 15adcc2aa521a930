// One-shot message digests (OpenSSL EVP), for fingerprints, PKCE and
// replay keys.
#pragma once

#include <span>

#include "common/bytes.h"

namespace sshca {

Bytes sha256(std::span<const uint8_t> data);

}  // namespace sshca
