#include "ca/core/jose/base64url_strict.h"

#include <string>

namespace sshca::jose {

Result<Bytes> decodeBase64UrlStrict(std::string_view text, std::string_view what) {
  auto refused = [&] { return makeError(ErrorCode::InvalidFormat, std::string(what) + " is not canonical base64url"); };
  auto bytes = base64UrlDecode(text);
  if (!bytes.ok()) return refused();
  // Re-encoding catches non-zero trailing bits ("QR" and "QQ" both decode
  // to "A") that the decoder itself lets through.
  if (base64UrlEncode(*bytes) != text) return refused();
  return bytes;
}

}  // namespace sshca::jose
