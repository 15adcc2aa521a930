#include "ca/core/x509/subject_alt_name.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "ca/core/common/ascii_case.h"

namespace sshca::x509 {

namespace {

constexpr size_t kMaxDnsName = 253;
constexpr size_t kMaxLabel = 63;

Error badName(std::string_view name, std::string_view why) {
  return makeError(ErrorCode::InvalidArgument, "DNS name '" + std::string(name) + "' " + std::string(why));
}

bool validLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

std::vector<std::string_view> labelsOf(std::string_view name) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t dot = name.find('.', start);
    out.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

Result<std::string> canonicalIp(std::span<const uint8_t> octets) {
  char buf[INET6_ADDRSTRLEN];
  int family = octets.size() == 4 ? AF_INET : octets.size() == 16 ? AF_INET6 : 0;
  if (family == 0 || !inet_ntop(family, octets.data(), buf, sizeof buf))
    return makeError(ErrorCode::InvalidArgument, "IP address SAN is neither IPv4 nor IPv6");
  return std::string(buf);
}

Result<SubjectAltName> parseIp(std::string_view text) {
  std::string s(text);
  ossl::Asn1OctetString octets(a2i_IPADDRESS(s.c_str()));
  if (!octets) return makeError(ErrorCode::InvalidArgument, "'" + s + "' is not an IP address");
  SSHCA_ASSIGN_OR_RETURN(std::string canon, canonicalIp({ASN1_STRING_get0_data(octets.get()),
                                                         static_cast<size_t>(ASN1_STRING_length(octets.get()))}));
  return SubjectAltName{SubjectAltName::Kind::Ip, canon};
}

Result<SubjectAltName> parseDns(std::string_view text) {
  SSHCA_RETURN_IF_ERROR(checkDnsName(text));
  return SubjectAltName{SubjectAltName::Kind::Dns, asciiLower(text)};
}

Result<SubjectAltName> fromGeneralName(const GENERAL_NAME* gn) {
  int type = 0;
  const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(gn, &type));
  std::span<const uint8_t> bytes(ASN1_STRING_get0_data(value), static_cast<size_t>(ASN1_STRING_length(value)));
  if (type == GEN_DNS) {
    std::string_view name(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (name.find('\0') != std::string_view::npos) return badName("(with NUL)", "contains a NUL byte");
    return parseDns(name);
  }
  if (type == GEN_IPADD) {
    SSHCA_ASSIGN_OR_RETURN(std::string canon, canonicalIp(bytes));
    return SubjectAltName{SubjectAltName::Kind::Ip, canon};
  }
  return makeError(
      ErrorCode::InvalidArgument,
      "subject alternative names other than DNS and IP are not issued (found type " + std::to_string(type) + ")");
}

Result<ossl::GeneralName> toGeneralName(const SubjectAltName& san) {
  ossl::GeneralName gn(GENERAL_NAME_new());
  if (!gn) return ossl::error("GENERAL_NAME_new");
  if (san.kind == SubjectAltName::Kind::Ip) {
    ossl::Asn1OctetString octets(a2i_IPADDRESS(san.value.c_str()));
    if (!octets) return makeError(ErrorCode::InvalidArgument, "'" + san.value + "' is not an IP address");
    GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, octets.release());
    return gn;
  }
  ossl::Asn1String ia5(ASN1_IA5STRING_new());
  if (!ia5 || ASN1_STRING_set(ia5.get(), san.value.data(), static_cast<int>(san.value.size())) != 1)
    return ossl::error("encoding a DNS name");
  GENERAL_NAME_set0_value(gn.get(), GEN_DNS, ia5.release());
  return gn;
}

}  // namespace

std::string SubjectAltName::toString() const { return (kind == Kind::Dns ? "DNS:" : "IP:") + value; }

Status checkDnsName(std::string_view name) {
  if (name.empty()) return badName(name, "is empty");
  if (name.size() > kMaxDnsName) return badName(name, "is longer than 253 characters");
  std::vector<std::string_view> labels = labelsOf(name);
  bool wildcard = labels.front() == "*";
  // Single-label names ("localhost", "db1") are fine on a private CA; a
  // wildcard must leave at least two labels ("*.example.com", not "*.com").
  if (wildcard && labels.size() < 3) return badName(name, "has a wildcard over fewer than two labels");
  for (size_t i = wildcard ? 1 : 0; i < labels.size(); ++i)
    if (!validLabel(labels[i]))
      return badName(
          name, "has an invalid label (letters, digits and inner hyphens only; '*' only as the whole first label)");
  return okStatus();
}

Result<SubjectAltName> parseSubjectAltName(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    return makeError(ErrorCode::InvalidArgument, "SAN '" + std::string(text) + "' must be DNS:name or IP:address");
  std::string kind = asciiLower(text.substr(0, colon));
  std::string_view value = text.substr(colon + 1);
  if (kind == "dns") return parseDns(value);
  if (kind == "ip") return parseIp(value);
  return makeError(ErrorCode::InvalidArgument, "SAN kind '" + kind + "' is not issued (DNS or IP only)");
}

Result<std::vector<SubjectAltName>> parseSubjectAltNames(std::string_view text) {
  std::vector<SubjectAltName> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    SSHCA_ASSIGN_OR_RETURN(SubjectAltName san, parseSubjectAltName(item));
    if (std::find(out.begin(), out.end(), san) == out.end()) out.push_back(std::move(san));
    if (out.size() > kMaxSubjectAltNames)
      return makeError(ErrorCode::InvalidArgument, "too many subject alternative names");
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::vector<SubjectAltName>> subjectAltNamesFrom(const GENERAL_NAMES* names) {
  std::vector<SubjectAltName> out;
  int n = sk_GENERAL_NAME_num(names);
  if (n > static_cast<int>(kMaxSubjectAltNames))
    return makeError(ErrorCode::InvalidArgument, "too many subject alternative names");
  for (int i = 0; i < n; ++i) {
    SSHCA_ASSIGN_OR_RETURN(SubjectAltName san, fromGeneralName(sk_GENERAL_NAME_value(names, i)));
    if (std::find(out.begin(), out.end(), san) == out.end()) out.push_back(std::move(san));
  }
  return out;
}

Result<ossl::GeneralNames> toGeneralNames(std::span<const SubjectAltName> names) {
  ossl::GeneralNames out(sk_GENERAL_NAME_new_null());
  if (!out) return ossl::error("sk_GENERAL_NAME_new_null");
  for (const SubjectAltName& san : names) {
    SSHCA_ASSIGN_OR_RETURN(ossl::GeneralName gn, toGeneralName(san));
    if (sk_GENERAL_NAME_push(out.get(), gn.get()) <= 0) return ossl::error("sk_GENERAL_NAME_push");
    (void)gn.release();  // now owned by the stack
  }
  return out;
}

}  // namespace sshca::x509
