// libFuzzer target: the request bodies of the HTTPS API (ca/service/api/
// request_parsing, step-ca's field names) on arbitrary bytes: sign, renew,
// rekey and revoke. Properties: a revoke that parses has an RFC 5280 reason
// code and a bounded reason without control characters.
//
// fuzz-sources: ca/core/common/bytes.cpp ca/core/common/ossl.cpp ca/core/common/result.cpp ca/core/common/digest.cpp
// fuzz-sources: ca/service/api/json_fields.cpp ca/service/api/request_parsing.cpp
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ca/service/api/request_parsing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)sshca::api::parseSignSshRequest(body);
  (void)sshca::api::parseRenewSshRequest(body);
  (void)sshca::api::parseRekeySshRequest(body);
  if (auto r = sshca::api::parseRevokeSshRequest(body); r.ok()) {
    if (r->reasonCode < 0 || r->reasonCode > 10 || r->reasonCode == 7 || r->reason.size() > 512) std::abort();
    for (unsigned char c : r->reason)
      if (c < 0x20 || c == 0x7f) std::abort();
  }
  return 0;
}
