// The ca.json `sshca init` and `sshca import-step-ca` write: every path
// absolute, keys by URI.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

// "https://<first name>:<port of address>", IPv6 names in brackets.
// InvalidArgument for port 0 (the URL could not be known: give --url).
Result<std::string> defaultCaUrl(const std::vector<std::string>& dnsNames, const std::string& address);

// What every CA sshca makes (init, import-step-ca) has in its ca.json: its
// name, address and names, its token, its keys by URI on it, its files in
// `layout` and an SQLite database there.
struct CaConfigInputs {
  std::string name, url, address;
  std::vector<std::string> dnsNames;
  std::string kms, softhsm2Conf;
  std::string sshUserKey, sshHostKey, intermediateKey;  // key URIs
  std::vector<config::ProvisionerConfig> provisioners;
};
config::CaConfig caConfigIn(const CaConfigInputs& in, const CaLayout& layout);

struct InitConfigInputs {
  std::string name, url, address;
  std::vector<std::string> dnsNames;
  std::string kms, softhsm2Conf;
  config::ProvisionerConfig provisioner;
};

// The SSHPOP provisioner init adds beside the JWK one, so that enrolled
// hosts can renew their certificates (not after expiry; policy defaults).
inline constexpr const char* kSshpopProvisionerName = "sshpop";

// init's: its keys under their labels, the JWK provisioner and the SSHPOP one.
config::CaConfig caConfigFor(const InitConfigInputs& in, const CaLayout& layout);

}  // namespace sshca::setup
