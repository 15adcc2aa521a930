// libFuzzer entry: certificate and public key parsers on arbitrary bytes.
// Whatever parses must re-encode to the same bytes (the codec is canonical).
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "ssh/ssh_cert.h"
#include "ssh/ssh_pubkey.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  if (auto cert = sshca::ssh::parseCertificate(in); cert.ok()) {
    if (sshca::ssh::encodeCertificate(*cert) != cert->wire) std::abort();
    (void)sshca::ssh::verifyCertificateSignature(*cert);
  }
  if (auto key = sshca::ssh::parsePublicKeyWire(in); key.ok()) {
    sshca::Bytes again = sshca::ssh::encodePublicKeyWire(*key);
    if (!std::equal(again.begin(), again.end(), in.begin(), in.end())) std::abort();
  }
  return 0;
}
