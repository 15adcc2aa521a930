#include "pam/auth_info.h"

#include "ca/core/wire/reader.h"

namespace sshca::pam {
namespace {

constexpr std::string_view kCertSuffix = "-cert-v01@openssh.com";

std::vector<std::string_view> splitSpaces(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= line.size()) {
    size_t sp = line.find(' ', pos);
    if (sp == std::string_view::npos) sp = line.size();
    out.push_back(line.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

Error lineError(size_t lineNo, std::string_view why) {
  return makeError(ErrorCode::InvalidFormat,
                   "SSH_AUTH_INFO_0 line " + std::to_string(lineNo) + ": " + std::string(why));
}

Result<AuthInfoKey> parsePublicKeyFields(size_t lineNo, const std::vector<std::string_view>& f) {
  if (f.size() < 3 || f[1].empty() || f[2].empty()) return lineError(lineNo, "publickey without a key");
  auto blob = base64Decode(f[2]);
  if (!blob.ok()) return lineError(lineNo, "key is not base64");
  wire::Reader r(*blob);
  auto inner = r.cstring();
  if (!inner.ok() || *inner != f[1])
    return lineError(lineNo, "key blob type does not match '" + std::string(f[1]) + "'");
  return AuthInfoKey{std::string(f[1]), std::move(*blob)};
}

}  // namespace

bool AuthInfoKey::isCertificate() const {
  return keyType.size() > kCertSuffix.size() && keyType.ends_with(kCertSuffix);
}

Result<AuthInfo> parseAuthInfo(std::string_view text) {
  if (text.size() > kMaxAuthInfoBytes)
    return makeError(ErrorCode::InvalidFormat,
                     "SSH_AUTH_INFO_0 is longer than " + std::to_string(kMaxAuthInfoBytes) + " bytes");
  if (text.find('\0') != std::string_view::npos)
    return makeError(ErrorCode::InvalidFormat, "SSH_AUTH_INFO_0 contains a NUL byte");
  AuthInfo info;
  size_t lineNo = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++lineNo;
    if (lineNo > kMaxAuthInfoLines) return lineError(lineNo, "too many lines");
    if (line.empty()) return lineError(lineNo, "empty line");
    const auto fields = splitSpaces(line);
    if (fields[0].empty()) return lineError(lineNo, "no method name");
    info.methods.emplace_back(fields[0]);
    if (fields[0] != "publickey") continue;  // other methods carry no key of ours
    SSHCA_ASSIGN_OR_RETURN(auto key, parsePublicKeyFields(lineNo, fields));
    info.publicKeys.push_back(std::move(key));
  }
  return info;
}

}  // namespace sshca::pam
