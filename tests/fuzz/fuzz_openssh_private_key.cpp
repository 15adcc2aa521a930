// libFuzzer target: OpenSSH private key files ("openssh-key-v1",
// PROTOCOL.key), what `sshca ssh sign --key file:` and the agent read:
// the armoured text and the binary blob.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/key_checks.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp ca/core/ssh/openssh_private_key.cpp
#include <cstdint>
#include <span>
#include <string_view>

#include "ca/core/ssh/openssh_private_key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)sshca::ssh::parseOpenSshPrivateKeyBlob(std::span<const uint8_t>(data, size));
  (void)sshca::ssh::parseOpenSshPrivateKey(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
