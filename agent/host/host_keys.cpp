#include "agent/host/host_keys.h"

#include <algorithm>
#include <filesystem>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

Result<HostKeyFiles> hostKeyFiles(const std::string& publicKeyPath) {
  if (!endsWith(publicKeyPath, ".pub") || endsWith(publicKeyPath, "-cert.pub"))
    return makeError(ErrorCode::InvalidArgument,
                     "--key " + publicKeyPath + " must name a host public key file (ssh_host_<type>_key.pub)");
  HostKeyFiles f;
  f.publicKey = publicKeyPath;
  f.privateKey = publicKeyPath.substr(0, publicKeyPath.size() - 4);
  f.certificate = f.privateKey + "-cert.pub";
  return f;
}

Result<std::vector<std::string>> defaultHostPublicKeys(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("ssh_host_", 0) == 0 && endsWith(name, "_key.pub")) found.push_back(entry.path().string());
  }
  if (ec) return makeError(ErrorCode::IoError, "cannot list " + dir + ": " + ec.message());
  if (found.empty())
    return makeError(ErrorCode::NotFound, "no host keys (ssh_host_*_key.pub) in " + dir + "; use --key");
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::vector<HostKeyFiles>> selectHostKeys(const std::vector<std::string>& keyOptions) {
  std::vector<std::string> paths = keyOptions;
  if (paths.empty()) { SSHCA_ASSIGN_OR_RETURN(paths, defaultHostPublicKeys()); }
  std::vector<HostKeyFiles> out;
  for (const auto& p : paths) {
    SSHCA_ASSIGN_OR_RETURN(HostKeyFiles f, hostKeyFiles(p));
    out.push_back(std::move(f));
  }
  return out;
}

Result<PublicKey> readPublicKeyFile(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, readFile(path));
  auto line = ssh::parsePublicKeyLine(firstLine(text));
  if (!line.ok()) return std::move(line).error().context(path);
  // The CA would refuse it anyway; say so here, before any token is spent.
  if (auto st = ssh::checkSubjectKey(line->key); !st.ok()) return std::move(st).error().context(path);
  return line->key;
}

Result<ssh::Certificate> readCertificateFile(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, readFile(path));
  auto cert = ssh::parseCertificateLine(firstLine(text));
  if (!cert.ok()) return std::move(cert).error().context(path);
  return cert;
}

}  // namespace sshca::agent
