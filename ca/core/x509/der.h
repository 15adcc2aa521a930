// DER encoding of OpenSSL ASN.1 objects into Bytes, without handing
// OpenSSL-allocated buffers around: ask for the length, then encode into
// our own vector.
#pragma once

#include <string_view>

#include "ca/core/common/bytes.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/result.h"

namespace sshca::x509 {

// `encode` is an i2d-style function: int (T*, unsigned char**).
template <class T, class Encode>
Result<Bytes> toDer(T* object, Encode encode, std::string_view what) {
  int len = encode(object, nullptr);
  if (len <= 0) return ossl::error(std::string("encoding ") + std::string(what));
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (encode(object, &p) != len) return ossl::error(std::string("encoding ") + std::string(what));
  return out;
}

}  // namespace sshca::x509
