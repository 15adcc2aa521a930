// libFuzzer target: ca.json (parseCaConfig), read at start and on every
// SIGHUP. Round trip: a configuration that parses is written again
// (serializeCaConfig) and that parses too, to the same text once more.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/core/kms/kms_uri.cpp ca/core/kms/key_ref.cpp ca/core/common/percent_encoding.cpp
// fuzz-includes: /usr/include/p11-kit-1
// fuzz-libs: p11-kit
// fuzz-sources: ca/service/config/ca_config.cpp ca/service/config/oidc_config.cpp ca/core/common/file_io.cpp
// fuzz-sources: ca/service/config/acme_config.cpp
// fuzz-sources: ca/service/policy/principal_rules.cpp ca/core/common/quote_caller.cpp
// fuzz-sources: ca/core/ssh/cert_rules.cpp ca/core/ssh/cert_options.cpp ca/core/ssh/ssh_cert.cpp ca/core/ssh/ssh_pubkey.cpp
// fuzz-sources: ca/core/ssh/ssh_signature.cpp ca/core/wire/reader.cpp ca/core/wire/writer.cpp ca/core/keys/*.cpp
// fuzz-sources: ca/core/common/random.cpp ca/core/common/utc_time.cpp ca/core/common/time_duration.cpp
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ca/service/config/ca_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config = sshca::config::parseCaConfig(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!config.ok()) return 0;
  std::string text = sshca::config::serializeCaConfig(*config);
  auto again = sshca::config::parseCaConfig(text);
  if (!again.ok() || sshca::config::serializeCaConfig(*again) != text) std::abort();
  return 0;
}
