#include "agent/ca_client/root_fingerprint.h"

#include <cctype>

#include <openssl/x509.h>

#include "ca/core/common/bytes.h"
#include "ca/core/x509/x509_pem.h"

namespace sshca::agent {
namespace {

Result<std::string> sha256OfDer(const X509& cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(&cert, EVP_sha256(), md, &len) != 1) return ossl::error("hashing the root certificate");
  return toHex({md, len});
}

}  // namespace

Result<std::string> normalizeFingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return makeError(ErrorCode::InvalidArgument,
                       "--fingerprint must be the root's SHA-256 in hex (64 digits, colons allowed)");
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 64)
    return makeError(ErrorCode::InvalidArgument,
                     "--fingerprint has " + std::to_string(hex.size()) + " hex digits; a SHA-256 fingerprint has 64");
  return hex;
}

Result<std::string> rootMatchingFingerprint(std::string_view pemBundle, const std::string& fingerprint) {
  auto certs = x509::certificatesFromPem(pemBundle);
  if (!certs.ok()) return std::move(certs).error().context("reading the CA's /roots answer");
  std::string seen;
  for (const auto& cert : *certs) {
    SSHCA_ASSIGN_OR_RETURN(std::string fp, sha256OfDer(*cert));
    if (fp == fingerprint) return x509::toPem(*cert);
    seen += (seen.empty() ? "" : ", ") + fp;
  }
  return makeError(ErrorCode::Unauthenticated,
                   "the CA's root does not match --fingerprint " + fingerprint + " (the server sent " +
                       (seen.empty() ? std::string("no certificate") : seen) +
                       "); nothing was stored. Check the fingerprint and that the URL is the right CA");
}

}  // namespace sshca::agent
