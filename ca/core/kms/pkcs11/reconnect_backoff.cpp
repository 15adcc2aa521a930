#include "ca/core/kms/pkcs11/reconnect_backoff.h"

#include <algorithm>

namespace sshca::pkcs11 {

ReconnectBackoff::Duration ReconnectBackoff::next() {
  Duration now = next_;
  next_ = std::min(next_ * 2, kMax);
  return now;
}

}  // namespace sshca::pkcs11
