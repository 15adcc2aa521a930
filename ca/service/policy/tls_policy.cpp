#include "ca/service/policy/tls_policy.h"

#include <algorithm>

#include "ca/core/common/ascii_case.h"

namespace sshca::policy {
namespace {

Error denied(std::string message) { return makeError(ErrorCode::PermissionDenied, std::move(message)); }

bool isWildcard(const x509::SubjectAltName& name) {
  return name.kind == x509::SubjectAltName::Kind::Dns && name.value.rfind("*.", 0) == 0;
}

// An IP literal written as a DNS name would let an IP principal's address
// (or a DNS principal that looks like one) into the wrong kind of SAN.
bool looksLikeIp(const std::string& dns) { return x509::parseSubjectAltName("IP:" + dns).ok(); }

// The CN of a request without SANs is taken as its one name.
Result<std::vector<x509::SubjectAltName>> namesAsked(const std::vector<x509::SubjectAltName>& requested,
                                                     const std::string& commonName) {
  if (!requested.empty()) return requested;
  if (commonName.empty())
    return makeError(ErrorCode::InvalidArgument,
                     "the request names nothing: give a DNS or IP subject alternative name");
  auto ip = x509::parseSubjectAltName("IP:" + commonName);
  if (ip.ok()) return std::vector<x509::SubjectAltName>{*ip};
  auto dns = x509::parseSubjectAltName("DNS:" + commonName);
  if (!dns.ok()) return std::move(dns).error().context("the request's CN");
  return std::vector<x509::SubjectAltName>{*dns};
}

Status checkCovered(const x509::SubjectAltName& name, const std::vector<std::string>& principals,
                    const TlsPolicy& policy) {
  if (name.kind == x509::SubjectAltName::Kind::Dns && looksLikeIp(name.value))
    return denied("DNS name " + name.value + " is an IP address: ask for it as an IP subject alternative name");
  if (isWildcard(name) && !policy.allowWildcards)
    return denied("wildcard " + name.value + " is not issued: this provisioner's policy allows no wildcards");
  for (const std::string& p : principals)
    if (principalCoversName(p, name, policy.allowWildcards)) return okStatus();
  return denied(name.toString() + " is not a principal of the host certificate");
}

}  // namespace

bool principalCoversName(const std::string& principal, const x509::SubjectAltName& name, bool allowWildcards) {
  if (name.kind == x509::SubjectAltName::Kind::Ip) {
    auto ip = x509::parseSubjectAltName("IP:" + principal);
    return ip.ok() && ip->value == name.value;
  }
  if (looksLikeIp(principal) || looksLikeIp(name.value)) return false;
  if (isWildcard(name) && !allowWildcards) return false;
  return asciiLower(principal) == name.value;
}

Result<std::vector<x509::SubjectAltName>> authorisedTlsNames(const ssh::Certificate& host,
                                                             const std::vector<x509::SubjectAltName>& requested,
                                                             const std::string& commonName, const TlsPolicy& policy) {
  if (host.type != ssh::CertType::Host)
    return denied("a user certificate proves a person, not a host's names: TLS certificates are issued to hosts");
  SSHCA_ASSIGN_OR_RETURN(std::vector<x509::SubjectAltName> names, namesAsked(requested, commonName));
  for (const auto& name : names) SSHCA_RETURN_IF_ERROR(checkCovered(name, host.principals, policy));
  if (!commonName.empty()) {
    // The CN is a name too (clients that still read it): it must be one of the SANs.
    auto asIp = x509::parseSubjectAltName("IP:" + commonName);
    std::string cn = asIp.ok() ? asIp->value : asciiLower(commonName);
    bool listed = std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.value == cn; });
    if (!listed) return denied("the request's CN " + commonName + " is not among its subject alternative names");
  }
  return names;
}

Result<std::pair<std::time_t, std::time_t>> tlsValidity(const ssh::Certificate& host,
                                                        std::optional<uint64_t> requestedNotAfter,
                                                        const TlsPolicy& policy, int64_t now) {
  const uint64_t start = static_cast<uint64_t>(now);
  uint64_t end = start + policy.defaultValiditySeconds;
  if (requestedNotAfter) {
    if (*requestedNotAfter <= start) return makeError(ErrorCode::InvalidArgument, "notAfter is not in the future");
    if (*requestedNotAfter - start > policy.maxValiditySeconds)
      return denied("notAfter is more than " + std::to_string(policy.maxValiditySeconds) +
                    " seconds away, the most this provisioner's policy issues");
    end = *requestedNotAfter;
  }
  const uint64_t hostEnd = host.validBefore > UINT64_MAX - policy.maxPastHostCertificateSeconds
                               ? UINT64_MAX
                               : host.validBefore + policy.maxPastHostCertificateSeconds;
  end = std::min(end, hostEnd);
  if (end <= start) return denied("the host certificate has expired: renew it before asking for a TLS certificate");
  const uint64_t kMaxTime = static_cast<uint64_t>(INT64_MAX);
  return std::pair<std::time_t, std::time_t>{now - static_cast<int64_t>(policy.backdateSeconds),
                                             static_cast<std::time_t>(std::min(end, kMaxTime))};
}

}  // namespace sshca::policy
