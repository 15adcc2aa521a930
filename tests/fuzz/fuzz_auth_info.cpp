// libFuzzer target: what pam_sshca parses from sshd's SSH_AUTH_INFO_0
// (pam/auth_info.cpp), the certificates in it the way the session check
// reads them, and the source-address matcher (pam/source_address.cpp).
// sshd writes the variable, but any parser bug there is in a root process.
//
// fuzz-sources: pam/auth_info.cpp pam/source_address.cpp
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/common/random.cpp
// fuzz-sources: ca/core/wire/reader.cpp ca/core/wire/writer.cpp
// fuzz-sources: ca/core/keys/key_spec.cpp ca/core/keys/public_key.cpp ca/core/keys/signature.cpp
// fuzz-sources: ca/core/ssh/ssh_cert.cpp ca/core/ssh/cert_options.cpp
// fuzz-sources: ca/core/ssh/ssh_pubkey.cpp ca/core/ssh/ssh_signature.cpp
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ca/core/ssh/ssh_cert.h"
#include "pam/auth_info.h"
#include "pam/source_address.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto info = sshca::pam::parseAuthInfo(text); info.ok()) {
    if (info->publicKeys.size() > info->methods.size()) std::abort();
    for (const auto& key : info->publicKeys) {
      if (!key.isCertificate()) continue;
      auto cert = sshca::ssh::parseCertificate(key.keyBlob);
      if (cert.ok() && cert->wire != key.keyBlob) std::abort();
    }
  }
  // "address|list": the matcher on both sides of the first '|'.
  const size_t bar = text.find('|');
  if (bar != std::string_view::npos) (void)sshca::pam::addressInList(text.substr(0, bar), text.substr(bar + 1));
  return 0;
}
