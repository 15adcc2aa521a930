// Writing a host certificate next to its key (<key>-cert.pub), the way
// ssh-keygen -s names it, after checking it is what we asked for.
#pragma once

#include <string>
#include <vector>

#include "agent/host/host_keys.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::agent {

// Checks the certificate (host type, for `key`, signed by a pinned host
// CA key) and replaces files.certificate atomically (owner and mode kept, new files 0644).
Status installHostCertificate(const HostKeyFiles& files, const ssh::Certificate& cert, const PublicKey& key,
                              const std::vector<PublicKey>& hostCaKeys);

// "serial 123, principals a,b, valid until 2026-..." for log lines.
std::string describeCertificate(const ssh::Certificate& cert);

}  // namespace sshca::agent
