// A fresh software key for tests that sign tokens or requests with it.
#pragma once

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include "ca/core/kms/soft/soft_signer.h"

namespace sshca::test {

// A new EC P-256 key as a Signer (ES256 for JWS).
inline SignerPtr newP256Signer() {
  ossl::EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  REQUIRE(key);
  auto signer = softSignerFromEvp(std::move(key));
  REQUIRE(signer.ok());
  return *signer;
}

}  // namespace sshca::test
