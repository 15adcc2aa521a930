// Response bodies in step-ca's JSON shapes (docs/protocol/api.md).
// Pure functions: structs in, JSON text out.
#pragma once

#include <string>
#include <vector>

#include "ca/service/api/authority_api.h"
#include "ca/core/common/result.h"

namespace sshca::api {

// {"status":"ok","hsm":"ok","db":"ok"}; "unavailable" for a part that is down.
std::string renderHealth(const HealthReport& health);
// {"userKey": [base64(wire)...], "hostKey": [...]}
std::string renderSshRoots(const SshRoots& roots);
// {"crt": base64(wire)}
std::string renderCertificate(const Bytes& certificate);
// {"status":"ok"}
std::string renderRevoked();
// {"provisioners": [...], "nextCursor": ""}; Internal when an entry's
// detailsJson is not a JSON object.
Result<std::string> renderProvisioners(const std::vector<ProvisionerInfo>& list);

}  // namespace sshca::api
