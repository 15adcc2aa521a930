// Building the ACME server from ca.json: its "acme" provisioners, the
// database's ACME tables and the intermediate on the token.
#pragma once

#include <memory>

#include "ca/core/common/result.h"
#include "ca/service/acme/acme_server.h"
#include "ca/service/config/ca_config.h"

namespace sshca::authority {

// nullptr when ca.json has no provisioner of type "acme". Call after
// Authority::create (which exported SOFTHSM2_CONF for the token).
Result<std::unique_ptr<acme::AcmeServer>> openAcmeServer(const config::CaConfig& config);

}  // namespace sshca::authority
