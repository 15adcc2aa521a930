#include "ca/service/acme/acme_validator.h"

#include <algorithm>

#include "ca/core/common/digest.h"

namespace sshca::acme {

ValidationOutcome validateChallenge(const ValidationTarget& target, const ValidationSettings& settings) {
  if (target.type == "http-01") return validateHttp01(target, settings);
  if (target.type == "tls-alpn-01") return validateTlsAlpn01(target, settings);
  if (target.type == "dns-01") return validateDns01(target, settings);
  return {false, "malformed", "unknown challenge type " + target.type};
}

Bytes acmeIdentifierValue(const std::string& keyAuthorization) {
  Bytes digest = sha256(asBytes(keyAuthorization));
  Bytes out(2 + digest.size());
  out[0] = 0x04;  // OCTET STRING
  out[1] = static_cast<uint8_t>(digest.size());
  std::copy(digest.begin(), digest.end(), out.begin() + 2);
  return out;
}

std::string dns01Value(const std::string& keyAuthorization) {
  return base64UrlEncode(sha256(asBytes(keyAuthorization)));
}

}  // namespace sshca::acme
