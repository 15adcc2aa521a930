// Subject alternative names (RFC 5280 4.2.1.6) the CA issues: DNS names
// (host names, optionally with one leading "*." wildcard label) and IP
// addresses. Everything else a request may carry is refused, so that no
// name enters a certificate without having been checked here.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"

namespace sshca::x509 {

inline constexpr size_t kMaxSubjectAltNames = 100;

struct SubjectAltName {
  enum class Kind { Dns, Ip };
  Kind kind;
  std::string value;  // DNS: lower-case; IP: canonical text (inet_ntop)

  // "DNS:www.example.com", "IP:192.0.2.1" (the form --san accepts).
  std::string toString() const;
  bool operator==(const SubjectAltName&) const = default;
};

// One "DNS:name" or "IP:address".
Result<SubjectAltName> parseSubjectAltName(std::string_view text);
// A comma-separated list of them ("DNS:a.example,IP:192.0.2.1").
Result<std::vector<SubjectAltName>> parseSubjectAltNames(std::string_view text);

// A host name of letters, digits and hyphens in labels of 1-63 characters,
// 253 at most in all; "*." may start it only as a whole label followed by
// at least two more labels.
Status checkDnsName(std::string_view name);

// From a request's or certificate's extension; InvalidArgument on any
// kind other than DNS or IP, or on a DNS name checkDnsName refuses.
Result<std::vector<SubjectAltName>> subjectAltNamesFrom(const GENERAL_NAMES* names);
Result<ossl::GeneralNames> toGeneralNames(std::span<const SubjectAltName> names);

}  // namespace sshca::x509
