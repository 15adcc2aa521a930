// The rules every certificate sshca issues must satisfy. Stricter than
// draft-miller-ssh-cert requires: what OpenSSH would accept but a CA should
// never issue (empty principal lists, wildcards in user principals,
// unknown critical options) is refused here.
#include <set>

#include "ca/core/common/quote_caller.h"
#include "ca/core/ssh/cert_options.h"
#include "ca/core/ssh/ssh_cert.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/limits.h"

namespace sshca::ssh {
namespace {

constexpr size_t kMaxKeyIdLen = 255;
constexpr size_t kMaxPrincipalLen = 255;

Error refuse(std::string message) { return makeError(ErrorCode::InvalidArgument, std::move(message)); }

bool printableAscii(char c) { return c >= 0x20 && c <= 0x7e; }

Status checkKeyId(const std::string& id) {
  if (id.empty()) return refuse("key ID is empty");
  if (id.size() > kMaxKeyIdLen)
    return refuse("key ID of " + std::to_string(id.size()) + " bytes exceeds " + std::to_string(kMaxKeyIdLen));
  for (char c : id)
    if (!printableAscii(c))
      return refuse("key ID " + quoteCaller(id) + " contains a non-printable or non-ASCII character");
  return okStatus();
}

Status checkPrincipal(const std::string& p, CertType type) {
  if (p.empty()) return refuse("principal is empty");
  if (p.size() > kMaxPrincipalLen)
    return refuse("principal " + quoteCaller(p) + " is longer than " + std::to_string(kMaxPrincipalLen) + " bytes");
  for (char c : p) {
    auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t') return refuse("principal " + quoteCaller(p) + " contains whitespace");
    if (u < 0x20 || u == 0x7f) return refuse("principal " + quoteCaller(p) + " contains a control character");
    if (u > 0x7f) return refuse("principal " + quoteCaller(p) + " contains a non-ASCII character");
    if (c == ',') return refuse("principal " + quoteCaller(p) + " contains a comma");
    if (type == CertType::User && (c == '*' || c == '?' || c == '!'))
      return refuse("user principal " + quoteCaller(p) + " contains the pattern character '" + std::string(1, c) + "'");
  }
  return okStatus();
}

Status checkPrincipals(const std::vector<std::string>& principals, CertType type) {
  // An empty list means "any principal" to OpenSSH (draft-miller-ssh-cert).
  if (principals.empty()) return refuse("principal list is empty (it would mean any principal)");
  if (principals.size() > wire::kMaxPrincipals)
    return refuse(std::to_string(principals.size()) + " principals exceed the maximum of " +
                  std::to_string(wire::kMaxPrincipals));
  std::set<std::string_view> seen;
  for (const auto& p : principals) {
    SSHCA_RETURN_IF_ERROR(checkPrincipal(p, type));
    if (!seen.insert(p).second) return refuse("principal " + quoteCaller(p) + " appears more than once");
  }
  return okStatus();
}

Status checkCriticalOption(const std::string& name, const std::string& value) {
  if (name == "force-command") {
    if (value.empty()) return refuse("critical option force-command has an empty command");
    if (value.find('\0') != std::string::npos) return refuse("critical option force-command contains a NUL byte");
    return okStatus();
  }
  if (name == "source-address") {
    auto st = checkSourceAddressList(value);
    if (!st.ok()) return std::move(st).error().context("critical option source-address");
    return okStatus();
  }
  if (name == "verify-required") {
    if (!value.empty()) return refuse("critical option verify-required is a flag and takes no value");
    return okStatus();
  }
  return refuse("critical option " + quoteCaller(name) + " is unknown (sshd would refuse the certificate)");
}

bool isKnownExtension(std::string_view name) {
  for (const auto& [known, unused] : defaultUserExtensions())
    if (known == name) return true;
  return name == "no-touch-required";
}

// Custom extensions must be namespaced: name@domain (draft-miller-ssh-cert).
bool isNamespaced(std::string_view name) {
  size_t at = name.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < name.size() &&
         name.find('@', at + 1) == std::string_view::npos;
}

Status checkExtension(const std::string& name, const std::string& value, CertType type) {
  if (name.empty()) return refuse("extension name is empty");
  for (char c : name)
    if (!printableAscii(c) || c == ' ')
      return refuse("extension name " + quoteCaller(name) + " is not printable ASCII");
  if (isKnownExtension(name)) {
    if (type == CertType::Host) return refuse("extension " + quoteCaller(name) + " applies only to user certificates");
    if (!value.empty()) return refuse("extension " + quoteCaller(name) + " is a flag and takes no value");
    return okStatus();
  }
  if (!isNamespaced(name))
    return refuse("extension " + quoteCaller(name) + " is unknown; custom extensions must be named name@domain");
  if (value.find('\0') != std::string::npos)
    return refuse("extension " + quoteCaller(name) + " value contains a NUL byte");
  return okStatus();
}

Status checkOptions(const CertTemplate& t) {
  if (t.type == CertType::Host && !t.criticalOptions.empty())
    return refuse("critical option " + quoteCaller(t.criticalOptions.begin()->first) +
                  " given, but host certificates have no critical options");
  for (const auto& [name, value] : t.criticalOptions) SSHCA_RETURN_IF_ERROR(checkCriticalOption(name, value));
  for (const auto& [name, value] : t.extensions) SSHCA_RETURN_IF_ERROR(checkExtension(name, value, t.type));
  return okStatus();
}

Status checkValidity(uint64_t after, uint64_t before) {
  if (after >= before)
    return refuse("validity interval is empty: valid after " + std::to_string(after) + " is not before valid before " +
                  std::to_string(before));
  return okStatus();
}

}  // namespace

Status validateTemplate(const CertTemplate& t) {
  if (t.type != CertType::User && t.type != CertType::Host)
    return refuse("certificate type " + std::to_string(static_cast<uint32_t>(t.type)) + " is neither user nor host");
  if (auto st = checkSubjectKey(t.key); !st.ok()) return std::move(st).error().context("subject key");
  SSHCA_RETURN_IF_ERROR(checkKeyId(t.keyId));
  SSHCA_RETURN_IF_ERROR(checkPrincipals(t.principals, t.type));
  SSHCA_RETURN_IF_ERROR(checkValidity(t.validAfter, t.validBefore));
  SSHCA_RETURN_IF_ERROR(checkOptions(t));
  if (t.serial && *t.serial == 0) return refuse("serial 0 is reserved for certificates without a serial");
  return okStatus();
}

std::map<std::string, std::string> defaultUserExtensions() {
  return {{"permit-X11-forwarding", ""},
          {"permit-agent-forwarding", ""},
          {"permit-port-forwarding", ""},
          {"permit-pty", ""},
          {"permit-user-rc", ""}};
}

Status checkValidAt(const Certificate& cert, uint64_t now) {
  if (now < cert.validAfter)
    return makeError(ErrorCode::Unauthenticated, "certificate is not yet valid (valid after " +
                                                     std::to_string(cert.validAfter) + ", now " + std::to_string(now) +
                                                     ")");
  if (now >= cert.validBefore)
    return makeError(ErrorCode::Unauthenticated, "certificate has expired (valid before " +
                                                     std::to_string(cert.validBefore) + ", now " + std::to_string(now) +
                                                     ")");
  return okStatus();
}

}  // namespace sshca::ssh
