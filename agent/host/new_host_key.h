// --rekey: a fresh host key of the same type and size as the old one, made
// in memory and written in OpenSSH's private key format (the one sshd reads,
// ssh/openssh_private_key.h), kept in a private temporary directory next to
// the old key until the CA has certified it, then moved into place.
#pragma once

#include <string>

#include "agent/host/host_keys.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

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
  // and mode), each atomically. The old private key (hard-linked into the
  // temporary directory) and the old .pub's text are kept until this
  // object dies, for restore(); a failed .pub replacement restores at once.
  Status install(const HostKeyFiles& files);

  // After install: puts the old private key and .pub back, when what had
  // to follow (the certificate) could not be written. Without it a host
  // would hold a new key with the old key's certificate, and could renew
  // nothing any more.
  Status restore(const HostKeyFiles& files);

 private:
  NewHostKey(std::string dir, PublicKey key, std::string comment)
      : dir_(std::move(dir)), key_(std::move(key)), comment_(std::move(comment)) {}
  std::string dir_;  // holds the private key until install, then the old one
  PublicKey key_;
  std::string comment_;        // for the .pub
  std::string oldPublicLine_;  // the .pub's text before install
};

}  // namespace sshca::agent
