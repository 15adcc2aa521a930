// What TLS server certificate a host may get for the SSH host certificate
// it proved (POST /x509/sign): which names, and for how long. The one place
// that decides it; pure, time comes in as an argument.
//
// Names: every name the request asks for must be covered by a principal
// of the host certificate. A DNS name is covered by a principal equal to it
// (compared in lower case: DNS names are case-insensitive, RFC 4343); an
// IP address only by a principal that is that IP address (in any textual
// form of it); a DNS name that is an IP literal is refused. A wildcard
// ("*.example.com") is issued only when a principal is that same wildcard
// and the policy allows wildcards; a wildcard principal never covers a
// concrete name, nor does a concrete principal cover a wildcard.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/x509/subject_alt_name.h"

namespace sshca::policy {

// ca.json: a provisioner's "policy": {"tls": {...}} (docs/configuration.md).
struct TlsPolicy {
  uint64_t defaultValiditySeconds = 30 * 86400;
  uint64_t maxValiditySeconds = 30 * 86400;
  // How far past the end of the host certificate the TLS certificate may
  // run. 0: it ends with the host certificate at the latest.
  uint64_t maxPastHostCertificateSeconds = 0;
  bool allowWildcards = false;
  uint64_t backdateSeconds = 5 * 60;  // clock skew, as for SSH certificates
};

// The names to certify: the request's SANs, or its CN alone when it has
// none (as step-ca does). PermissionDenied, naming the first name not
// covered, for anything the principals do not cover; PermissionDenied for
// a user certificate (it proves a person, not a host's names);
// InvalidArgument for a request with no name at all.
Result<std::vector<x509::SubjectAltName>> authorisedTlsNames(const ssh::Certificate& hostCertificate,
                                                             const std::vector<x509::SubjectAltName>& requested,
                                                             const std::string& commonName, const TlsPolicy& policy);

// Whether `principal` covers `name` (the rule above, for one pair).
bool principalCoversName(const std::string& principal, const x509::SubjectAltName& name, bool allowWildcards);

// [notBefore, notAfter]: from now (backdated) for the policy's default, or
// up to `requestedNotAfter` when given (PermissionDenied past maxValidity),
// never past the host certificate's end plus maxPastHostCertificate.
// PermissionDenied when that leaves nothing (the host certificate ended).
Result<std::pair<std::time_t, std::time_t>> tlsValidity(const ssh::Certificate& hostCertificate,
                                                        std::optional<uint64_t> requestedNotAfter,
                                                        const TlsPolicy& policy, int64_t now);

}  // namespace sshca::policy
