// libFuzzer target: SSHSIG (PROTOCOL.sshsig), the KRL's detached signature
// and pam_sshca's challenge answer: armoured text, the binary blob, and
// verification against a fixed message. Round trip: a blob that parses
// re-encodes (encodeSshsig) to exactly the input.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/key_checks.cpp ca/core/keys/signature.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp ca/core/ssh/ssh_signature.cpp ca/core/ssh/sshsig.cpp
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "ca/core/ssh/sshsig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  if (auto sig = sshca::ssh::parseSshsig(in); sig.ok()) {
    sshca::Bytes again = sshca::ssh::encodeSshsig(*sig);
    if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
  }
  static const uint8_t kMessage[] = "revoked serials";
  (void)sshca::ssh::sshsigVerify(in, sshca::ssh::kKrlSignatureNamespace, kMessage);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto blob = sshca::ssh::dearmorSshsig(text); blob.ok()) (void)sshca::ssh::parseSshsig(*blob);
  return 0;
}
