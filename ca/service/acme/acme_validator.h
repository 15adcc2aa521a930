// The ACME validator (RFC 8555 §8): checks that the client controls a name
// by the challenge it chose. Each check connects only to the name under
// validation (never to a redirect target or any other host), within one
// deadline, and reads at most a capped number of bytes.
//   http-01 (§8.3):      GET http://NAME:httpPort/.well-known/acme-challenge/TOKEN
//   tls-alpn-01 (RFC 8737): TLS to NAME:tlsPort with SNI NAME and ALPN
//                        "acme-tls/1"; a self-signed certificate naming only
//                        NAME with the critical acmeIdentifier extension
//   dns-01 (§8.4):       TXT _acme-challenge.NAME through the resolver
// Blocking: run it off the I/O threads (acme_validation_queue.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ca/core/common/bytes.h"

namespace sshca::acme {

struct ValidationSettings {
  int httpPort = 80;
  int tlsPort = 443;
  std::string dnsResolver;  // "IP" or "IP:port"; "" = the system's resolver
  int64_t timeoutMs = 10'000;
  size_t maxResponseBytes = 8 * 1024;
};

struct ValidationTarget {
  std::string type;  // http-01 | tls-alpn-01 | dns-01
  std::string name;  // the DNS identifier
  std::string token;
  std::string keyAuthorization;  // token "." base64url(JWK thumbprint)
};

struct ValidationOutcome {
  bool ok = false;
  std::string problem;  // ACME error type: incorrectResponse, connection, dns, tls, unauthorized
  std::string detail;
};

ValidationOutcome validateChallenge(const ValidationTarget& target, const ValidationSettings& settings);

// The three checks, for tests.
ValidationOutcome validateHttp01(const ValidationTarget& target, const ValidationSettings& settings);
ValidationOutcome validateTlsAlpn01(const ValidationTarget& target, const ValidationSettings& settings);
ValidationOutcome validateDns01(const ValidationTarget& target, const ValidationSettings& settings);

// RFC 8737 §3: the acmeIdentifier extension's value, DER OCTET STRING of
// SHA-256(key authorization).
Bytes acmeIdentifierValue(const std::string& keyAuthorization);
// §8.4: the TXT record's value, base64url(SHA-256(key authorization)).
std::string dns01Value(const std::string& keyAuthorization);

}  // namespace sshca::acme
