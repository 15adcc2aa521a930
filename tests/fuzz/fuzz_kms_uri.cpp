// libFuzzer target: kms and PKCS#11 key URIs (RFC 7512), from ca.json and
// command lines: parseKmsUri and parseKeyUri. Never resolves a PIN (no
// files in a fuzz target).
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/kms/kms_uri.cpp ca/core/kms/key_ref.cpp ca/core/common/percent_encoding.cpp
// fuzz-includes: /usr/include/p11-kit-1
// fuzz-libs: p11-kit
#include <cstdint>
#include <string_view>

#include "ca/core/kms/kms_uri.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view uri(reinterpret_cast<const char*>(data), size);
  (void)sshca::parseKmsUri(uri);
  (void)sshca::parseKeyUri(uri);
  return 0;
}
