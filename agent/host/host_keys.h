// A host key's three files: ssh_host_ecdsa_key (private),
// ssh_host_ecdsa_key.pub and ssh_host_ecdsa_key-cert.pub, named from the
// .pub path the admin gives with --key.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

inline constexpr const char* kDefaultHostKeyDir = "/etc/ssh";

struct HostKeyFiles {
  std::string publicKey;    // .../ssh_host_ecdsa_key.pub
  std::string privateKey;   // .../ssh_host_ecdsa_key
  std::string certificate;  // .../ssh_host_ecdsa_key-cert.pub
};

// InvalidArgument unless the path ends in ".pub" (and is not a -cert.pub).
Result<HostKeyFiles> hostKeyFiles(const std::string& publicKeyPath);

// Every <dir>/ssh_host_*_key.pub, sorted; NotFound when there is none.
Result<std::vector<std::string>> defaultHostPublicKeys(const std::string& dir = kDefaultHostKeyDir);

// The --key values, or the default set.
Result<std::vector<HostKeyFiles>> selectHostKeys(const std::vector<std::string>& keyOptions);

Result<PublicKey> readPublicKeyFile(const std::string& path);
Result<ssh::Certificate> readCertificateFile(const std::string& path);

}  // namespace sshca::agent
