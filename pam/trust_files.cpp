#include "pam/trust_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "ca/core/common/unique_fd.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::pam {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Lines without comments and surrounding blanks, with their numbers.
std::vector<std::pair<size_t, std::string>> meaningfulLines(const std::string& content) {
  std::vector<std::pair<size_t, std::string>> out;
  std::istringstream in(content);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    out.emplace_back(n, line);
  }
  return out;
}

Status checkOwnership(const std::string& path, const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return makeError(ErrorCode::PermissionDenied, "'" + path + "' is not a regular file");
  if (st.st_uid != 0)
    return makeError(ErrorCode::PermissionDenied,
                     "'" + path + "' is owned by uid " + std::to_string(st.st_uid) + ", not root");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return makeError(ErrorCode::PermissionDenied, "'" + path + "' is writable by group or others");
  return okStatus();
}

}  // namespace

Result<std::string> readTrustedFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid())
    return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::IoError,
                     "'" + path + "': " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return makeError(ErrorCode::IoError, "'" + path + "': " + std::strerror(errno));
  SSHCA_RETURN_IF_ERROR(checkOwnership(path, st));
  if (static_cast<size_t>(st.st_size) > kMaxTrustFileBytes)
    return makeError(ErrorCode::InvalidFormat,
                     "'" + path + "' is larger than " + std::to_string(kMaxTrustFileBytes) + " bytes");
  std::string content;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return makeError(ErrorCode::IoError, "reading '" + path + "': " + std::strerror(errno));
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
    if (content.size() > kMaxTrustFileBytes) return makeError(ErrorCode::InvalidFormat, "'" + path + "' keeps growing");
  }
  return content;
}

Result<std::vector<PublicKey>> parseCaKeys(const std::string& content) {
  std::vector<PublicKey> keys;
  for (const auto& [n, line] : meaningfulLines(content)) {
    auto parsed = ssh::parsePublicKeyLine(line);
    if (!parsed.ok()) return std::move(parsed).error().context("line " + std::to_string(n));
    if (auto st = ssh::checkCaKey(parsed->key); !st.ok())
      return std::move(st).error().context("line " + std::to_string(n));
    keys.push_back(parsed->key);
  }
  if (keys.empty()) return makeError(ErrorCode::InvalidFormat, "no CA key in the file");
  return keys;
}

std::vector<std::string> parsePrincipalsList(const std::string& content) {
  std::vector<std::string> out;
  for (auto& [n, line] : meaningfulLines(content)) {
    // sshd allows key options before the principal; we apply none, so a
    // line with options is not a plain grant and is skipped.
    if (line.find_first_of(" \t") != std::string::npos) continue;
    out.push_back(line);
  }
  return out;
}

Result<std::vector<PublicKey>> loadCaKeys(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(auto content, readTrustedFile(path));
  auto keys = parseCaKeys(content);
  if (!keys.ok()) return std::move(keys).error().context("ca_file '" + path + "'");
  return keys;
}

Result<ssh::Krl> loadKrl(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(auto content, readTrustedFile(path));
  auto krl = ssh::parseKrl(asBytes(content));
  if (!krl.ok()) return std::move(krl).error().context("krl_file '" + path + "'");
  return krl;
}

Result<std::vector<std::string>> loadPrincipals(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(auto content, readTrustedFile(path));
  return parsePrincipalsList(content);
}

}  // namespace sshca::pam
