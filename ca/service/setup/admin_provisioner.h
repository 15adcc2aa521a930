// The JWK provisioner `sshca init` configures so that the new CA can issue
// right away: `sshca token` signs one-time tokens with its private key
// (a file under DIR/secrets), `sshca serve` verifies them with the public
// JWK in ca.json. Policy: policy::SshPolicy's defaults (user 16h, max 24h,
// OpenSSH's default extensions; host 30 days); tokens live 1h at most.
#pragma once

#include <string>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/service/config/ca_config.h"

namespace sshca::setup {

inline constexpr uint64_t kTokenMaxLifetimeSeconds = 3600;

// InvalidArgument for a name that is not 1-64 of [A-Za-z0-9._-] (it names
// a file: secrets/provisioner-<name>.key).
Status checkProvisionerName(const std::string& name);

// The public JWK carries kid = its RFC 7638 thumbprint (as step-ca's JWK
// provisioners do), use "sig" and the one alg the key signs with.
Result<config::ProvisionerConfig> jwkProvisionerConfig(const std::string& name, const PublicKey& key,
                                                       const std::string& privateKeyFile);

}  // namespace sshca::setup
