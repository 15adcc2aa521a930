// Building the ACME server from ca.json: its "acme" provisioners, the
// database's ACME tables, and the authority's X.509 issuing path.
#pragma once

#include <memory>

#include "ca/core/common/result.h"
#include "ca/service/acme/acme_server.h"
#include "ca/service/authority/authority.h"
#include "ca/service/config/ca_config.h"

namespace sshca::authority {

// nullptr when ca.json has no provisioner of type "acme". `authority`
// (built from the same config) is borrowed and must outlive the server.
Result<std::unique_ptr<acme::AcmeServer>> openAcmeServer(const config::CaConfig& config, Authority& authority);

}  // namespace sshca::authority
