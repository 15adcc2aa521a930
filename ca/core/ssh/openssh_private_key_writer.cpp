// Writes "openssh-key-v1" files (PROTOCOL.key) with cipher and KDF "none":
// the private section is the agent protocol's key encoding (the same
// fields, draft-miller-ssh-agent §4.2.3-4.2.5) between two equal check
// integers, then the comment and 1, 2, 3... padding to the block size.
#include <openssl/crypto.h>

#include "ca/core/common/bytes.h"
#include "ca/core/common/random.h"
#include "ca/core/keys/public_key.h"
#include "ca/core/ssh/openssh_private_key.h"
#include "ca/core/ssh/ssh_agent_protocol.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/wire/writer.h"

namespace sshca::ssh {
namespace {

constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr size_t kBlockSize = 8;  // cipher "none"
constexpr size_t kColumns = 70;   // ssh-keygen's line width

// Moves a writer's buffer into cleansed memory.
SecretBytes toSecret(wire::Writer&& w) {
  Bytes b = std::move(w).take();
  SecretBytes out{std::span<const uint8_t>(b)};
  OPENSSL_cleanse(b.data(), b.size());
  return out;
}

Result<SecretBytes> privateSection(const EVP_PKEY* key, std::string_view comment) {
  SSHCA_ASSIGN_OR_RETURN(Bytes check, systemRandom().bytes(4));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes fields, encodeAgentPrivateKey(key, nullptr));
  wire::Writer w;
  w.raw(check);
  w.raw(check);
  w.raw(fields.span());
  w.cstring(comment);
  for (uint8_t pad = 1; w.size() % kBlockSize != 0; ++pad) w.u8(pad);
  return toSecret(std::move(w));
}

SecretBytes armor(std::span<const uint8_t> blob) {
  std::string b64 = base64Encode(blob);
  std::string text = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += kColumns) text += b64.substr(i, kColumns) + "\n";
  text += "-----END OPENSSH PRIVATE KEY-----\n";
  SecretBytes out{std::string_view(text)};
  OPENSSL_cleanse(b64.data(), b64.size());
  OPENSSL_cleanse(text.data(), text.size());
  return out;
}

}  // namespace

Result<SecretBytes> formatOpenSshPrivateKey(const EVP_PKEY* key, std::string_view comment) {
  SSHCA_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::fromEvp(key));
  SSHCA_ASSIGN_OR_RETURN(SecretBytes section, privateSection(key, comment));
  wire::Writer w;
  w.raw(asBytes(kMagic));
  w.cstring("none");
  w.cstring("none");
  w.cstring("");
  w.u32(1);
  w.string(encodePublicKeyWire(pub));
  w.string(section.span());
  SecretBytes blob = toSecret(std::move(w));
  return armor(blob.span());
}

}  // namespace sshca::ssh
