// One-shot message digests (OpenSSL EVP), for fingerprints, PKCE and
// replay keys, and the digest algorithms fetched once for the process.
#pragma once

#include <span>

#include <openssl/types.h>

#include "ca/core/common/bytes.h"

namespace sshca {

// OpenSSL 3 looks up the implementation behind EVP_sha256() & co. on every
// use, under a lock all threads share, and `serve` hashes several times a
// certificate on many threads. The result of an explicit fetch is kept
// instead: call once per algorithm and keep the pointer (it lives for the
// process). `fallback` if the fetch fails.
const EVP_MD* fetchDigestOnce(const char* name, const EVP_MD* fallback);

// SHA-256, fetched once.
const EVP_MD* sha256Algorithm();

Bytes sha256(std::span<const uint8_t> data);

}  // namespace sshca
