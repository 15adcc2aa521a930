// --rekey: a fresh host key of the same type and size as the old one, made
// in memory and written in OpenSSH's private key format (the one sshd reads,
// ssh/openssh_private_key.h), kept in a private temporary directory next to
// the old key until the CA has certified it, then moved into place.
#pragma once

#include <string>

#include "agent/host_keys.h"
#include "common/result.h"
#include "keys/public_key.h"

namespace sshca::agent {

class NewHostKey {
 public:
  // Generates in "<dir of files.privateKey>/.sshca-rekey.XXXXXX" (0700; same
  // file system, so the final renames are atomic). `comment` goes into the
  // private key and the .pub.
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
  NewHostKey(std::string dir, PublicKey key, std::string comment)
      : dir_(std::move(dir)), key_(std::move(key)), comment_(std::move(comment)) {}
  std::string dir_;  // holds the private key until install
  PublicKey key_;
  std::string comment_;  // for the .pub
};

}  // namespace sshca::agent
