// Provisioners say who the caller is, and nothing else (MODELS.md pattern
// 4): each turns a credential into a policy::Identity or an
// Unauthenticated error. What the caller then gets is policy's decision;
// spending the one-time token is the authority's (it records the token id
// in the same transaction as the certificate).
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "config/ca_config.h"
#include "jose/jws.h"
#include "policy/identity.h"
#include "policy/ssh_policy.h"

namespace sshca::provisioners {

// What a token must be bound to: this CA and this endpoint, at this time.
struct TokenContext {
  std::string caUrl;     // CaConfig::url, no trailing slash
  std::string endpoint;  // "/1.0/ssh/sign"
  int64_t now = 0;
};

class Provisioner {
 public:
  virtual ~Provisioner() = default;

  virtual const std::string& name() const = 0;
  virtual std::string type() const = 0;  // as step-ca names it: "JWK"

  // Authenticates a token for POST /ssh/sign. `token` is parsed but not yet
  // trusted. Unauthenticated with the reason on any failure.
  virtual Result<policy::Identity> authorizeSshSign(const jose::JwsParts& token, const TokenContext& ctx) const = 0;

  // Limits for the certificates this provisioner's callers may get.
  virtual const policy::SshPolicy& policy() const = 0;

  // Public settings for GET /provisioners (a JSON object as text).
  virtual std::string publicInfoJson() const = 0;
};

using ProvisionerPtr = std::shared_ptr<const Provisioner>;

// Builds the provisioner a config entry describes.
Result<ProvisionerPtr> makeProvisioner(const config::ProvisionerConfig& config);

}  // namespace sshca::provisioners
