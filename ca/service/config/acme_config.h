// An "acme" provisioner's settings in ca.json (docs/acme.md): which names
// its ACME server issues for, for how long, whether accounts need External
// Account Binding, and where the validator connects.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"

namespace sshca::config {

struct AcmeConfig {
  // DNS names the provisioner issues for: "host.example.com" exactly, or
  // "*.example.com" for any name below example.com (not example.com
  // itself). Empty: nothing is issued.
  std::vector<std::string> names;
  uint64_t validitySeconds = 30 * 24 * 3600;
  bool requireEab = false;
  // External Account Binding keys: key ID -> base64url HMAC-SHA256 key.
  std::map<std::string, std::string> eabKeys;
  // The ports the validator connects to: 80 (http-01) and 443
  // (tls-alpn-01) in production; other ports only for tests on loopback.
  int httpPort = 80;
  int tlsPort = 443;
  // dns-01: the resolver to ask ("IP" or "IP:port"); "" = the system's.
  std::string dnsResolver;
  // Each validation's deadline, and the cap on what it reads.
  int64_t validationTimeoutMs = 10'000;
  size_t maxResponseBytes = 8 * 1024;
};

// Reads the "acme" member of a provisioner (absent: the defaults).
// InvalidArgument names the field.
Result<AcmeConfig> readAcmeConfig(const nlohmann::json& provisioner, const std::string& where);
void writeAcmeConfig(const AcmeConfig& config, nlohmann::json& provisioner);

// Whether `name` (lower-case DNS name) is covered by one of `patterns`.
bool acmeNameAllowed(const std::vector<std::string>& patterns, const std::string& name);

}  // namespace sshca::config
