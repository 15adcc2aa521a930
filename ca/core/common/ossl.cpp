#include "ca/core/common/ossl.h"

#include <openssl/err.h>

namespace sshca::ossl {

std::string drainErrors() {
  std::string out;
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

Error error(std::string_view what) {
  return makeError(ErrorCode::CryptoFailure, std::string(what) + ": " + drainErrors());
}

ErrorQueueGuard::~ErrorQueueGuard() { ERR_clear_error(); }

}  // namespace sshca::ossl
