// --rekey: a fresh host key of the same type as the old one, made by the
// host's own ssh-keygen (so the private key file is exactly the OpenSSH
// format sshd reads), kept in a private temporary directory next to the
// old key until the CA has certified it, then moved into place.
#pragma once

#include <string>

#include "agent/host_keys.h"
#include "common/result.h"
#include "keys/public_key.h"

namespace sshca::agent {

class NewHostKey {
 public:
  // Generates in "<dir of files.privateKey>/.sshca-rekey.XXXXXX" (same file
  // system, so the final renames are atomic). `comment` goes into the .pub.
  static Result<NewHostKey> generateLike(const PublicKey& old, const HostKeyFiles& files, const std::string& comment);

  NewHostKey(NewHostKey&& other) noexcept;
  NewHostKey& operator=(NewHostKey&&) = delete;
  NewHostKey(const NewHostKey&) = delete;
  NewHostKey& operator=(const NewHostKey&) = delete;
  ~NewHostKey();  // removes whatever was not installed

  const PublicKey& publicKey() const { return key_; }

  // Replaces the private key (0600) and then the .pub (keeping its owner
  // and mode), each atomically.
  Status install(const HostKeyFiles& files);

 private:
  NewHostKey(std::string dir, PublicKey key) : dir_(std::move(dir)), key_(std::move(key)) {}
  std::string dir_;
  PublicKey key_;
};

}  // namespace sshca::agent
