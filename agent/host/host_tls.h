// host tls: a TLS server certificate for this host's names, proven by its
// SSH host certificate (SSHPOP over POST /x509/sign). The key is made here
// and never leaves the host (ECDSA P-256, a fresh one per certificate);
// key and certificate (with its chain) are replaced atomically, the key's
// mode kept (0600 for a new file). A certificate is due when less than a
// third of its validity remains, when it names other names than asked, or
// when a file is missing. `host tls` remembers what it was asked in the
// config directory, so that `host renew` (the weekly job) renews it too.
#pragma once

#include <ctime>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "agent/ca_client/ca_connection.h"
#include "agent/host/host_keys.h"
#include "ca/core/common/result.h"
#include "ca/core/x509/certificate_info.h"

namespace sshca::agent {

struct TlsRequest {
  std::vector<std::string> names;  // DNS names or IP addresses, each a principal of the host certificate
  std::string outKey;              // PEM private key (PKCS#8)
  std::string outCert;             // PEM: the certificate, then its CA certificates
  std::string hostKey;             // the SSH host public key whose certificate proves the names
  std::string reloadCommand;       // run with /bin/sh after a change; "" none
};

enum class TlsOutcome { Issued, NotDue };

// notAfter - now < (notAfter - notBefore) / 3.
bool tlsRenewalDue(const x509::CertificateInfo& cert, std::time_t now);

// Issues when due (or `force`), writes key then certificate. The reload
// command is the caller's to run (after Issued).
Result<TlsOutcome> ensureTlsCertificate(CaConnection& ca, const TlsRequest& request, bool force, std::time_t now);

// The TLS certificates `host tls` was asked for, kept in
// <configDir>/tls/ (one JSON file each, named after --out-cert).
Status rememberTlsRequest(const std::string& configDir, const TlsRequest& request);
Result<std::vector<TlsRequest>> rememberedTlsRequests(const std::string& configDir);

}  // namespace sshca::agent
