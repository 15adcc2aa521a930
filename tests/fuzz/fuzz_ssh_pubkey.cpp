// libFuzzer target: the SSH public key parsers (RFC 4253 §6.6, RFC 5656,
// RFC 8709) on arbitrary bytes: the wire form (CA requests, agent
// identities) and the one-line text form (.pub files, authorized_keys).
// A key that parses must re-encode to exactly the input.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "ca/core/ssh/ssh_pubkey.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  if (auto key = sshca::ssh::parsePublicKeyWire(in); key.ok()) {
    sshca::Bytes again = sshca::ssh::encodePublicKeyWire(*key);
    if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
    (void)sshca::ssh::fingerprintSha256(*key);
    (void)sshca::ssh::checkSubjectKey(*key);
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto line = sshca::ssh::parsePublicKeyLine(text); line.ok()) {
    auto back = sshca::ssh::parsePublicKeyLine(sshca::ssh::formatPublicKeyLine(line->key, ""));
    if (!back.ok() || !(back->key == line->key)) std::abort();
  }
  return 0;
}
