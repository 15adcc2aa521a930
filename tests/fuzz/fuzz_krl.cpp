// libFuzzer target: the KRL parser (PROTOCOL.krl), what sshca-agent reads
// from the CA and pam_sshca from disk. Round trip: a KRL that parses is
// written again (encodeKrl) and that output parses to the same revocations
// and is a fixed point of parse+encode.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/key_checks.cpp ca/core/keys/signature.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp ca/core/ssh/krl.cpp ca/core/ssh/ssh_cert.cpp ca/core/ssh/cert_options.cpp
// fuzz-sources: ca/core/ssh/ssh_signature.cpp ca/core/ssh/cert_rules.cpp ca/core/common/quote_caller.cpp
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ca/core/ssh/krl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto krl = sshca::ssh::parseKrl(std::span<const uint8_t>(data, size));
  if (!krl.ok()) return 0;
  sshca::Bytes once = sshca::ssh::encodeKrl(*krl);
  auto again = sshca::ssh::parseKrl(once);
  if (!again.ok()) std::abort();
  if (again->version != krl->version || again->comment != krl->comment) std::abort();
  if (sshca::ssh::encodeKrl(*again) != once) std::abort();
  return 0;
}
