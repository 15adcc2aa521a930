#include "agent/host/new_host_key.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "ca/core/common/file_io.h"
#include "ca/core/keys/key_generation.h"
#include "ca/core/ssh/openssh_private_key.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

// The private key (OpenSSH format, the one sshd reads; 0600) in `dir`.
Result<PublicKey> writeNewKey(const std::string& dir, const KeySpec& spec, const std::string& comment) {
  SSHCA_ASSIGN_OR_RETURN(ossl::EvpPkey key, generatePrivateKey(spec));
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key.get()));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes file, ssh::formatOpenSshPrivateKey(key.get(), comment));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(dir + "/key", file.view(), 0600));
  return pub;
}

}  // namespace

NewHostKey::NewHostKey(NewHostKey&& other) noexcept
    : dir_(std::move(other.dir_)),
      key_(std::move(other.key_)),
      comment_(std::move(other.comment_)),
      oldPublicLine_(std::move(other.oldPublicLine_)) {
  other.dir_.clear();
}

NewHostKey::~NewHostKey() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<NewHostKey> NewHostKey::generateLike(const PublicKey& old, const HostKeyFiles& files,
                                            const std::string& comment) {
  std::filesystem::path parent = std::filesystem::path(files.privateKey).parent_path();
  std::string pattern = (parent.empty() ? std::string(".") : parent.string()) + "/.sshca-rekey.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    return makeError(ErrorCode::IoError, "cannot create a directory for the new key next to " + files.privateKey +
                                             ": " + std::strerror(errno));
  std::string dir = pattern;
  auto pub = writeNewKey(dir, old.spec(), comment);  // same type and size
  if (!pub.ok()) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return std::move(pub).error().context("generating a new host key");
  }
  return NewHostKey(dir, std::move(pub).value(), comment);
}

Status NewHostKey::install(const HostKeyFiles& files) {
  SSHCA_ASSIGN_OR_RETURN(oldPublicLine_, readFile(files.publicKey));
  if (::link(files.privateKey.c_str(), (dir_ + "/old").c_str()) != 0)
    return makeError(ErrorCode::IoError,
                     "cannot keep the old key " + files.privateKey + " aside: " + std::strerror(errno));
  SSHCA_RETURN_IF_ERROR(renameAtomic(dir_ + "/key", files.privateKey));
  Status pub = writeFileAtomic(files.publicKey, ssh::formatPublicKeyLine(key_, comment_) + "\n", 0644);
  if (!pub.ok()) (void)restore(files);
  return pub;
}

Status NewHostKey::restore(const HostKeyFiles& files) {
  SSHCA_RETURN_IF_ERROR(renameAtomic(dir_ + "/old", files.privateKey));
  return writeFileAtomic(files.publicKey, oldPublicLine_, 0644);
}

}  // namespace sshca::agent
