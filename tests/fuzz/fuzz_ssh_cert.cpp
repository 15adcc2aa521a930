// libFuzzer target: the OpenSSH certificate parser (draft-miller-ssh-cert) on
// arbitrary bytes, as the CA reads certificates from SSHPOP tokens and
// pam_sshca from a forwarded agent. Whatever parses must re-encode to the
// same bytes (the codec is canonical); the text form must round-trip too.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/signature.cpp
// fuzz-sources: ca/core/ssh/ssh_cert.cpp ca/core/ssh/cert_options.cpp ca/core/ssh/ssh_pubkey.cpp
// fuzz-sources: ca/core/ssh/ssh_signature.cpp
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "ca/core/ssh/ssh_cert.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  auto cert = sshca::ssh::parseCertificate(in);
  if (!cert.ok()) return 0;
  if (sshca::ssh::encodeCertificate(*cert) != cert->wire) std::abort();
  if (!std::equal(cert->wire.begin(), cert->wire.end(), in.begin(), in.end())) std::abort();
  (void)sshca::ssh::verifyCertificateSignature(*cert);
  auto again = sshca::ssh::parseCertificateLine(sshca::ssh::formatCertificateLine(*cert, "fuzz"));
  if (!again.ok() || again->wire != cert->wire) std::abort();
  return 0;
}
