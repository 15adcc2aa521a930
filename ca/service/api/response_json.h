// Response bodies in step-ca's JSON shapes (docs/protocol/api.md).
// Pure functions: structs in, JSON text out.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/api/authority_api.h"

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
// {"version": "<version>"}
std::string renderVersion(const std::string& version);
// {"ca": PEM}
std::string renderRoot(const RootCertificateInfo& root);
// {"crts": [PEM...]}
std::string renderRoots(const std::vector<RootCertificateInfo>& roots);
// {"userTemplates": [...]} or {"hostTemplates": [...]}, each entry
// {"name", "type", "path", "comment", "content": base64} (Go's []byte).
std::string renderSshConfig(ssh::CertType type, const std::vector<SshConfigTemplate>& templates);
// {"exists": bool}
std::string renderHostExists(bool exists);
// {"key": "<JWE>"}
std::string renderEncryptedKey(const std::string& key);

}  // namespace sshca::api
