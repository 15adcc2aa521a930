#include "agent/new_host_key.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "agent/atomic_replace.h"
#include "agent/subprocess.h"
#include "common/file_io.h"
#include "ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

// ssh-keygen's -t / -b for a key like `old`.
std::vector<std::string> typeArguments(const PublicKey& old) {
  switch (old.algorithm()) {
    case KeyAlgorithm::Ed25519: return {"-t", "ed25519"};
    case KeyAlgorithm::EcdsaP256: return {"-t", "ecdsa", "-b", "256"};
    case KeyAlgorithm::EcdsaP384: return {"-t", "ecdsa", "-b", "384"};
    case KeyAlgorithm::EcdsaP521: return {"-t", "ecdsa", "-b", "521"};
    case KeyAlgorithm::Rsa: return {"-t", "rsa", "-b", std::to_string(old.bits())};
  }
  return {"-t", "ed25519"};
}

}  // namespace

NewHostKey::NewHostKey(NewHostKey&& other) noexcept : dir_(std::move(other.dir_)), key_(std::move(other.key_)) {
  other.dir_.clear();
}

NewHostKey::~NewHostKey() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<NewHostKey> NewHostKey::generateLike(const PublicKey& old, const HostKeyFiles& files, const std::string& comment) {
  std::filesystem::path parent = std::filesystem::path(files.privateKey).parent_path();
  std::string pattern = (parent.empty() ? std::string(".") : parent.string()) + "/.sshca-rekey.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return makeError(ErrorCode::IoError, "cannot create a directory for the new key next to " + files.privateKey + ": " +
                                             std::strerror(errno));
  std::string dir = pattern;
  auto cleanup = [&dir] { std::error_code ec; std::filesystem::remove_all(dir, ec); };
  std::vector<std::string> argv = {"ssh-keygen", "-q", "-N", "", "-C", comment, "-f", dir + "/key"};
  auto type = typeArguments(old);
  argv.insert(argv.begin() + 2, type.begin(), type.end());
  if (auto s = runProgram(argv); !s.ok()) { cleanup(); return std::move(s).error().context("generating a new host key"); }
  auto text = readFile(dir + "/key.pub");
  auto line = text.ok() ? ssh::parsePublicKeyLine(text->substr(0, text->find('\n'))) : Result<ssh::PublicKeyLine>(text.error());
  if (!line.ok()) { cleanup(); return std::move(line).error().context("reading the new host key"); }
  return NewHostKey(dir, line->key);
}

Status NewHostKey::install(const HostKeyFiles& files) {
  std::string priv = dir_ + "/key";
  if (::chmod(priv.c_str(), 0600) != 0) return makeError(ErrorCode::IoError, "chmod " + priv + ": " + std::strerror(errno));
  SSHCA_ASSIGN_OR_RETURN(std::string pub, readFile(dir_ + "/key.pub"));
  SSHCA_RETURN_IF_ERROR(atomicRename(priv, files.privateKey));
  return atomicReplace(files.publicKey, pub, 0644);
}

}  // namespace sshca::agent
