// The SoftHSM2 token `sshca init` makes inside DIR when no --kms is given:
// its own softhsm2.conf and token directory, a random user PIN and SO PIN
// in DIR/secrets (0600), a token labelled "sshca". The PINs travel from
// memory to C_InitToken / C_InitPIN only; never through argv (which is why
// softhsm2-util, which takes PINs only as arguments, is not used).
#pragma once

#include <string>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

inline constexpr const char* kEmbeddedTokenLabel = "sshca";

struct EmbeddedToken {
  std::string kmsUri;        // pkcs11:module-path=...;token=sshca?pin-source=file:DIR/secrets/pin
  std::string softhsm2Conf;  // DIR/softhsm2.conf
};

// Writes DIR/softhsm2.conf for a token directory DIR/tokens (made 0700)
// and sets SOFTHSM2_CONF to it: the embedded token's configuration, which
// `sshca restore` writes again for a CA moved to a new directory.
Status writeSoftHsmConf(const CaLayout& layout);

// Sets SOFTHSM2_CONF for this process: it must be called before anything
// loads the SoftHSM2 module (the module reads it once, at C_Initialize).
// Expects the secrets directory to exist (0700).
Result<EmbeddedToken> createEmbeddedToken(const CaLayout& layout, RandomSource& rng);

}  // namespace sshca::setup
