// End-entity TLS certificates signed by the intermediate (the `openssl ca`
// server_cert section, done through the Signer): basicConstraints CA:FALSE,
// keyUsage digitalSignature (+ keyEncipherment for RSA keys), extendedKeyUsage
// serverAuth or clientAuth, subjectKeyIdentifier, authorityKeyIdentifier,
// subject CN=<name> and the checked subjectAltNames.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/subject_alt_name.h"

namespace sshca::x509 {

enum class LeafProfile { Server, Client };

Result<LeafProfile> parseLeafProfile(std::string_view name);  // "server", "client"
std::string_view leafProfileName(LeafProfile profile);

struct LeafRequest {
  LeafProfile profile = LeafProfile::Server;
  std::string commonName;
  std::vector<SubjectAltName> subjectAltNames;
  PublicKey key;
  int days = 90;
  // When set, the exact validity (notBefore, notAfter) instead of `days`
  // from now: the online CA's policy decides it to the second.
  std::optional<std::pair<std::time_t, std::time_t>> validity;
};

// From a verified request: its CN, and its SANs unless `sans` replaces them
// (the operator's --san). PermissionDenied for a request asking for CA:TRUE.
Result<LeafRequest> leafRequestFrom(const RequestContents& csr, LeafProfile profile, int days,
                                    const std::optional<std::vector<SubjectAltName>>& sans);

// Refuses: no CN, a server certificate without DNS/IP SAN, RSA keys under
// 2048 bits, validity past the CA's notAfter.
Result<ossl::X509Ptr> issueLeafCertificate(const LeafRequest& request, const IssuingCa& ca, std::time_t now,
                                           RandomSource& rng);

}  // namespace sshca::x509
